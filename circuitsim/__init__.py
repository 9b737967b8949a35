"""circuitsim: how a short-lived NMDA-receptor blocker leaves a lasting mark on a cortical circuit."""

__version__ = "0.1.0"
