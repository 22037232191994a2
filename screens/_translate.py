"""Bindings are declared in French (the source language) and translated per instance.

`BINDINGS` are read when the class is created, before `--lang` is known, so each screen
translates the descriptions of its own copy of the bindings when it is built.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from app.i18n import _
from widgets.compat import rewrite_bindings


def _translated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def translate_bindings(node: DOMNode) -> None:
    """Replace the node's binding descriptions and tooltips by their translation."""
    rewrite_bindings(node, _translated)
