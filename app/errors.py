"""Errors that staff read: each carries one plain line, never a traceback.

`SHOWN` is what the command line and the doctor catch: the app's `ComptoirError`s and the
storage layer's `StorageError`s (storage imports nothing from the app).
"""

from storage import errors as _storage_errors
from storage.errors import StorageConfigError, StorageError


def _translate(template: str) -> str:
    from app.i18n import _

    return _(template)


# Storage's French templates are shown in the language of the app (storage/errors.py).
_storage_errors.translate = _translate


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


SHOWN: tuple[type[Exception], ...] = (ComptoirError, StorageError)
"""Every error whose message is meant for the person at the terminal."""

__all__ = [
    "SHOWN",
    "ComptoirError",
    "ConcurrentChangeError",
    "ConfigError",
    "IntakeError",
    "NotFoundError",
    "StorageConfigError",
    "StorageError",
    "TransitionError",
    "ValidationError",
]
