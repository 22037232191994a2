"""Text that comes from outside (typed, imported, configured): one check, one fold, one escape.

Every entry point (intake, the command line's flags, the configuration, the profile, staff
names, status changes) refuses the same characters with the same French line, so that no
escape sequence reaches the database and, through it, a terminal. What is printed back (an
unknown JSON key, a file name, an error) goes through `printable`.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import ValidationError
from app.i18n import _

# Bidirectional embeddings, overrides and isolates: they reorder what a terminal or a PDF
# shows ("Trojan Source"), so a name could read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line and paragraph separators: a line break to some terminals and viewers, not to others.
LINE_SEPARATORS = frozenset("\u2028\u2029")
NEWLINES = frozenset("\n\t")


def forbidden_character(text: str, *, newlines: bool = False) -> str | None:
    """The first character of `text` that must not be stored, or None.

    Refused: C0 controls, DEL and C1 controls (category Cc: ESC, OSC, CSI… start with them),
    lone surrogates (invalid UTF-8 read by Python, or "\\ud800" in JSON), bidi overrides and
    line separators. `newlines` lets line feed and tab through (addresses, details).
    """
    found = (_FORBIDDEN_BUT_NEWLINES if newlines else _FORBIDDEN).search(text)
    return found.group() if found else None


def _is_forbidden(char: str) -> bool:
    """The definition `forbidden_character` applies, one character at a time."""
    return (
        char in BIDI_CONTROLS
        or char in LINE_SEPARATORS
        or unicodedata.category(char) in ("Cc", "Cs")
    )


# `_is_forbidden` as one regular expression: one C-speed search instead of a category look-up
# per character (an order has a dozen fields). Cc is U+0000-001F and U+007F-009F and Cs
# U+D800-DFFF, by Unicode's stability policy; tests/test_text_entry.py checks that the two
# agree on every code point. Without newlines: tab (U+0009) and line feed (U+000A) let through.
_OTHERS = "\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS | LINE_SEPARATORS))
_FORBIDDEN = re.compile(f"[\x00-\x1f{_OTHERS}]")
_FORBIDDEN_BUT_NEWLINES = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")


def refusal(char: str) -> str:
    """Why `char` is refused, in one French line (without saying where)."""
    if unicodedata.category(char) == "Cs":
        return _("texte mal codé (U+{code:04X} n'est pas un caractère)", code=ord(char))
    return _("caractère de contrôle refusé (U+{code:04X})", code=ord(char))


def check_text(text: str, what: str, *, newlines: bool = False) -> str:
    """`text` unchanged, or ValidationError « what : caractère de contrôle refusé (U+001B) »."""
    char = forbidden_character(text, newlines=newlines)
    if char is not None:
        raise ValidationError(_("{what} : {why}.", what=printable(what), why=refusal(char)))
    return text


def printable(text: str, *, newlines: bool = False) -> str:
    """`text` with every refused character written out (\\x1b, \\u202e): safe on a terminal.

    `newlines` keeps line feeds and tabs (a multi-line address shown as lines)."""
    if forbidden_character(text, newlines=newlines) is None:
        return text
    out = []
    for char in text:
        if forbidden_character(char, newlines=newlines) is None:
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def shown(text: str | None) -> str:
    """Stored free text as a screen may show it: what was stored before control characters
    were refused at the door (an old history's « by », a reason, a profile field, a
    server's reply) is written out visibly (\\x1b), lines kept; None is "".

    Rich does not filter ESC out of a `Text`, so `Text(shown(value))` is what a screen puts
    on the terminal."""
    return printable(text, newlines=True) if text else ""


def fold(text: str) -> str:
    """Lower case without accents, so 'the' finds 'Thé' and 'lea' signs in 'Léa'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """A text cell no spreadsheet evaluates: one that begins like a formula (=, +, -, @) gets
    a leading apostrophe, as OWASP advises for CSV (the Finances and pick list exports)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
