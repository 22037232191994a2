"""Bindings are declared in French (the source language) and translated per instance.

`BINDINGS` are read when the class is created, before `--lang` is known, so each screen
translates the descriptions of its own copy of the bindings when it is built.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from app.i18n import _


def translate_bindings(node: DOMNode) -> None:
    """Replace the node's binding descriptions and tooltips by their translation."""
    keys = node._bindings.key_to_bindings
    for key, bindings in list(keys.items()):
        keys[key] = [
            replace(
                binding,
                description=_(binding.description) if binding.description else "",
                tooltip=_(binding.tooltip) if binding.tooltip else "",
            )
            for binding in bindings
        ]
