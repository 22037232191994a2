"""Textual's own key descriptions in the catalogue's source language, for the footer and `?`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from app.i18n import _

# Textual's own bindings (focus, copy, list and field movements) come with English
# descriptions; this gives each its French source text, translated back by the catalogue.
TEXTUAL_DESCRIPTIONS: dict[str, str] = {
    "Quit": "Quitter",
    "Focus Next": "Élément suivant",
    "Focus Previous": "Élément précédent",
    "Copy selected text": "Copier la sélection",
    "Cursor up": "Ligne précédente",
    "Cursor down": "Ligne suivante",
    "Cursor left": "Colonne précédente",
    "Cursor right": "Colonne suivante",
    "Home": "Début",
    "End": "Fin",
    "Page up": "Page précédente",
    "Page down": "Page suivante",
    "Page Left": "Page à gauche",
    "Page Right": "Page à droite",
    "Select": "Choisir",
    "Top": "Tout en haut",
    "Bottom": "Tout en bas",
    "Scroll Up": "Défiler vers le haut",
    "Scroll Down": "Défiler vers le bas",
    "Move cursor left": "Curseur à gauche",
    "Move cursor right or accept the completion suggestion": "Curseur à droite",
    "Go to start": "Aller au début",
    "Go to end": "Aller à la fin",
    "Page Up": "Page précédente",
    "Page Down": "Page suivante",
    "Move cursor left and select": "Sélectionner à gauche",
    "Move cursor left a word": "Mot précédent",
    "Move cursor left a word and select": "Sélectionner le mot précédent",
    "Move cursor right and select": "Sélectionner à droite",
    "Move cursor right a word": "Mot suivant",
    "Move cursor right a word and select": "Sélectionner le mot suivant",
    "Delete character left": "Effacer à gauche",
    "Select all": "Tout sélectionner",
    "Select line start": "Sélectionner jusqu'au début",
    "Select line end": "Sélectionner jusqu'à la fin",
    "Delete character right": "Effacer à droite",
    "Submit": "Valider",
    "Delete left to start of word": "Effacer le mot à gauche",
    "Delete all to the left": "Effacer tout à gauche",
    "Delete right to start of word": "Effacer le mot à droite",
    "Delete all to the right": "Effacer tout à droite",
    "Cut selected text": "Couper la sélection",
    "Paste text from the clipboard": "Coller",
    "Up": "Haut",
    "Down": "Bas",
    "Scroll Left": "Défiler à gauche",
    "Scroll Right": "Défiler à droite",
    "First": "Premier",
    "Last": "Dernier",
    "Toggle option": "Cocher / décocher",
    "Dismiss menu": "Fermer la liste",
    "palette": "palette",
}


def keys_of(text: str) -> list[str]:
    """`"?, ctrl+s"` as Textual names the keys, ["question_mark", "ctrl+s"] (its own parsing
    of a binding's keys)."""
    return [binding.key for binding in Binding.make_bindings([Binding(text, "noop")])]


MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _named_keys() -> frozenset[str]:
    """The keys Textual knows by name: its `Keys` (enter, f2, pageup…) and the names it gives
    printable ASCII characters (question_mark, slash…)."""
    from textual.keys import Keys

    named = {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}
    named |= {keys_of(chr(code))[0] for code in range(33, 127) if chr(code) != ","}
    return frozenset(named)


_NAMED: frozenset[str] | None = None


def is_key(text: str) -> bool:
    """Whether `text` (one key of a keymap entry, e.g. "ctrl+s", "f2", "?", "é") names a key
    Textual can deliver: modifiers then one printable character or a key name."""
    global _NAMED
    *modifiers, last = text.split("+")
    if not last or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(last) == 1:
        return last.isprintable() and not last.isspace()
    if _NAMED is None:
        _NAMED = _named_keys()
    return last in _NAMED


def in_effect(binding: Binding, keymap: Mapping[str, str]) -> Binding:
    """`binding` on the first of its keys in `keymap` (the config's `[keymap]`), else as is."""
    remapped = keymap.get(binding.id or "")
    return binding.with_key(keys_of(remapped)[0], key_display=None) if remapped else binding


def translate_description(text: str) -> str:
    """A key description in the current language, whether ours (French) or Textual's."""
    return _(TEXTUAL_DESCRIPTIONS.get(text, text))


def describe(binding: Binding) -> str:
    """A binding's description in the current language (ours and Textual's alike)."""
    return translate_description(binding.description or binding.action)


def comptoir_bindings(screen: Screen[Any]) -> list[tuple[Binding, DOMNode, list[str]]]:
    """Comptoir's own bindings active on `screen`, once per action, with the node they act
    on and every key bound to it. Only bindings with an id: Textual's own (scrolling, copying,
    editing a field) have none, and are not Comptoir's to explain."""
    found: dict[str, tuple[Binding, DOMNode, list[str]]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.id is None or not active.enabled:
            continue
        if binding.action in found:
            keys = found[binding.action][2]
            if key not in keys:
                keys.append(key)
            continue
        found[binding.action] = (binding, active.node, [key])
    return list(found.values())
