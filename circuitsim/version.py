"""The package's version (a foundation module: every stage may import it)."""

__version__ = "0.1.0"
