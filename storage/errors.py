"""Errors of the storage layer, free of the app: each carries one plain French line.

Storage imports nothing from the app (the layers contract in pyproject.toml), so it cannot
call `app.i18n._`. Each error holds a French template and its values instead; `str()` of it
is that template translated by `translate`, which `app.errors` points at the app's catalogue
(English when `--lang en`), then filled in. `_` below only marks the templates, so that
tests/test_i18n.py checks each has its English.
"""

from __future__ import annotations

from collections.abc import Callable


def _(text: str) -> str:
    """Mark a French template; it is translated when the error is shown."""
    return text


translate: Callable[[str], str] = _
"""French template → the language shown; set by `app.errors` to the app's catalogue."""


class StorageError(Exception):
    """The database cannot be opened, migrated or used; the message says why in one line."""

    template = _("base de données : {detail}")

    def __init__(self, template: str | None = None, **values: object) -> None:
        if template is not None:
            self.template = template
        self.values = values
        super().__init__(self.template, values)

    def __str__(self) -> str:
        return translate(self.template).format(**self.values)


class StorageConfigError(StorageError):
    """The database URL is malformed."""

    template = _("adresse de base de données invalide : {url}")


class DatabaseUnreachable(StorageError):
    """The database cannot be opened or reached (a missing folder, a server that is down)."""

    template = _("impossible d'ouvrir la base de données {url} : {detail}")


class DatabaseReadOnly(StorageError):
    """The database may be read but not written (file or folder rights, a read-only disk)."""

    template = _(
        "la base de données {url} est en lecture seule : rien n'a été enregistré "
        "(vérifiez les droits du fichier et de son dossier)"
    )


class DatabaseCorrupt(StorageError):
    """The file is not a database, or its pages are damaged."""

    template = _(
        "la base de données {url} est endommagée ou n'en est pas une ({detail}) : "
        "restaurez une sauvegarde"
    )


class DiskFull(StorageError):
    """The disk (or the database's allowed size) is full: the transaction was undone."""

    template = _(
        "disque plein : la base de données {url} ne peut plus grandir, rien n'a été "
        "enregistré (libérez de la place)"
    )


class DatabaseBusy(StorageError):
    """Another process held the database longer than the busy timeout."""

    template = _("la base de données {url} est occupée par un autre programme : réessayez")
