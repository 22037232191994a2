"""The one translation catalogue: French text (the default language) to English.

Each module of this package holds the entries of one part of the program in a dict named
`EN`; they are merged here so that `app.i18n` has a single catalogue. A French string
missing from the catalogue is shown as is in English too, and `tests/test_i18n.py` fails on
it, so the English translation stays complete.
"""

from __future__ import annotations

import importlib
import pkgutil


def _merge() -> dict[str, str]:
    merged: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for french, english in module.EN.items():
            if french in merged and merged[french] != english:
                raise RuntimeError(f"catalogue: two translations for {french!r}")
            merged[french] = english
    return merged


EN: dict[str, str] = _merge()
