"""Errors that staff read: each carries one plain line, never a traceback."""


class ComptoirError(Exception):
    """An error with a message meant for the person at the terminal."""


class ConfigError(ComptoirError):
    """A configuration value is missing or invalid."""


class IntakeError(ComptoirError):
    """An intake document is invalid; nothing of its file was imported."""


class TransitionError(ComptoirError):
    """A status change is not allowed by the rules."""


class ConcurrentChangeError(ComptoirError):
    """The order changed in another terminal since it was read (optimistic lock)."""


class NotFoundError(ComptoirError):
    """No order (or other record) answers to the given key."""


class ValidationError(ComptoirError):
    """A form or command-line value is refused; the message says why."""
