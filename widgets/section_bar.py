"""The top line: the three sections with their keys (current one highlighted), then the
global keys. Drawn from the App's bindings, so it stays true to them; the footer below
shows the keys of the screen itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

from app.i18n import _
from widgets.textual_keys import in_effect


class SectionBar(Widget):
    """'Comptoir  1 Commandes  2 Finances  3 Profil   g Aller à  ? Aide  q Quitter  ^p …'.

    `keymap` is the configuration's `[keymap]`: each key shown is the one in effect.
    """

    DEFAULT_CSS = """
    SectionBar { height: 1; width: 1fr; background: $panel; }
    """

    def __init__(self, *, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def render(self) -> Text:
        app = self.app
        current = getattr(app, "current_mode", "")
        wide = self.size.width >= 100
        text = Text(" Comptoir  " if wide else "", style="bold")
        for binding in Binding.make_bindings(app.BINDINGS):
            if binding.id is None:
                continue  # Textual's own (a bare App in the tests): not Comptoir's sections
            key = app.get_key_display(in_effect(binding, self.keymap))
            label = _(binding.description)
            active = binding.action == f"section('{current}')"
            text.append(" " if wide else "")
            text.append(f" {key}", style="bold reverse" if active else "bold")
            text.append(f" {label}", style="bold reverse" if active else "")
        palette = app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette"))
        text.append(" " if wide else "")
        text.append(f" {palette}", style="bold")
        if text.cell_len + 1 + len(_("Palette")) <= self.size.width or not self.size.width:
            text.append(" " + _("Palette"))  # at 80 columns, the key alone
        return text
