"""The one exception type for user mistakes.

Anything the user can fix (a bad config key, a wrong unit, an unreadable file)
raises :class:`UserInputError`. The CLI turns it into one line on standard
error and exit status 2; it never shows a traceback for it.
"""

from __future__ import annotations


class UserInputError(ValueError):
    """A mistake in user input: the message names the key and what was expected.

    Parameters
    ----------
    message : str
        One line: ``"<key>: expected <what>, got <value>"``.
    """
