"""Keys by id: every binding of Comptoir carries an id, and `[keymap]` in config.toml remaps
any of them (`order-status = "ctrl+s"`, or several keys: `"s,ctrl+s"`).

`check_keymap` refuses, with one line, an id that no binding has and a clash: two actions
on one key where both can answer it (the App, the screen and one of its widgets). Textual
applies the keymap itself (`App.set_keymap`): the footer, `?` and the palette read the
bindings it produces, so they show the keys in effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.keys import format_key

from app.errors import ConfigError
from app.i18n import _
from app.text import printable
from widgets.textual_keys import is_key, keys_of


@dataclass(frozen=True)
class KeyScope:
    """A screen, and the nodes whose bindings answer a key on it."""

    name: str  # French, as the error line shows it
    screen: type[DOMNode]
    widgets: tuple[type[DOMNode], ...] = ()
    modal: bool = False  # a dialog: the App's own keys do not reach it


def scopes() -> list[KeyScope]:
    """Every screen of Comptoir with the widgets of ours that carry keys on it.

    Imported when a keymap is given only: Finances and the order screen are otherwise
    loaded when first shown. tests/test_keymap.py checks that no node with bindings is
    missing from here.
    """
    from screens.bulk import BulkStatusModal
    from screens.cancel import CancelOrderModal
    from screens.choose import ChooseModal
    from screens.commandes import CommandesScreen, StatusFilterScreen
    from screens.confirm import ConfirmModal, UnsavedModal
    from screens.finances import FinancesScreen
    from screens.goto import ChooseOrderScreen, GoToOrderScreen
    from screens.help import HelpScreen
    from screens.order import ConfirmBar, OrderScreen
    from screens.order_prep import NoteModal
    from screens.pickup import PickupScreen
    from screens.preparation import PreparationScreen, RangeScreen
    from screens.profile import ProfileScreen
    from screens.signin import SignInScreen
    from widgets.line_list import LineList
    from widgets.month_calendar import MonthCalendar
    from widgets.order_list import OrderList

    return [
        KeyScope(_("Commandes"), CommandesScreen, (MonthCalendar, OrderList)),
        KeyScope(_("Statuts"), StatusFilterScreen, modal=True),
        KeyScope(_("Commande"), OrderScreen, (ConfirmBar,)),
        KeyScope(_("Annulation"), CancelOrderModal, modal=True),
        KeyScope(_("Choix"), ChooseModal, modal=True),
        KeyScope(_("Finances"), FinancesScreen),
        KeyScope(_("Profil"), ProfileScreen),
        KeyScope(_("Aller à"), GoToOrderScreen, modal=True),
        KeyScope(_("Aller à"), ChooseOrderScreen, modal=True),
        KeyScope(_("Préparation"), PreparationScreen, (LineList,)),
        KeyScope(_("Période"), RangeScreen, modal=True),
        KeyScope(_("À retirer"), PickupScreen),
        KeyScope(_("Statut du lot"), BulkStatusModal, modal=True),
        KeyScope(_("Note interne"), NoteModal, modal=True),
        KeyScope(_("Aide"), HelpScreen, modal=True),
        KeyScope(_("Connexion"), SignInScreen),
        KeyScope(_("Confirmation"), ConfirmModal, modal=True),
        KeyScope(_("Saisies non enregistrées"), UnsavedModal, modal=True),
    ]


def _bindings(node: type[DOMNode]) -> list[Binding]:
    """The node class's own bindings, one per key (Textual's own parsing of BINDINGS)."""
    declared: list[BindingType] = list(node.__dict__.get("BINDINGS", []))
    return list(Binding.make_bindings(declared))


def binding_ids() -> dict[str, Binding]:
    """Every binding id of the App and its screens, with (one of) its bindings."""
    from app.tui.app import ComptoirApp

    ids: dict[str, Binding] = {}
    nodes: list[type[DOMNode]] = [ComptoirApp]
    for scope in scopes():
        nodes += [scope.screen, *scope.widgets]
    for node in nodes:
        for binding in _bindings(node):
            if binding.id:
                ids.setdefault(binding.id, binding)
    return ids


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Refuse (ConfigError, one line) an unknown binding id or two actions on one key."""
    if not keymap:
        return
    from app.tui.app import ComptoirApp

    known = binding_ids()
    for binding_id in keymap:
        if binding_id not in known:
            near = get_close_matches(binding_id, known, n=1)
            hint = _(" (vouliez-vous dire « {id} » ?)", id=near[0]) if near else ""
            raise ConfigError(
                _("[keymap] : aucune touche n'a l'identifiant « {id} »", id=binding_id) + hint
            )
    for binding_id, keys in keymap.items():
        for key in keys.split(","):
            if not is_key(key.strip()):
                raise ConfigError(
                    _(
                        "[keymap] : « {key} » n'est pas une touche ({id}) ; par exemple "
                        "ctrl+s, f2, pageup, x",
                        key=printable(key.strip()),
                        id=binding_id,
                    )
                )
    remapped = {binding_id: keys_of(keys) for binding_id, keys in keymap.items()}
    app_keys = _bindings(ComptoirApp)
    for scope in scopes():
        for widget in scope.widgets or (None,):
            chain = [] if scope.modal else list(app_keys)
            chain += _bindings(scope.screen)
            chain += _bindings(widget) if widget is not None else []
            _check_chain(scope.name, chain, remapped)


def _check_chain(screen: str, chain: list[Binding], remapped: Mapping[str, list[str]]) -> None:
    """Two bindings of one chain on one key, one of them moved there by the keymap (a key
    given its default again moves nothing: the screens' own overlaps are by design)."""
    declared: dict[str, set[str]] = {}
    for binding in chain:
        declared.setdefault(binding.id or binding.action, set()).add(binding.key)
    on_key: dict[str, list[Binding]] = {}
    moved: dict[str, None] = {}  # in chain order: the first clash is the one told
    for binding in chain:
        name = binding.id or binding.action
        for key in remapped.get(name, [binding.key]):
            here = on_key.setdefault(key, [])
            if all((other.id or other.action) != name for other in here):
                here.append(binding)  # a binding on several keys comes once per key
            if key not in declared[name]:
                moved[key] = None
    for key in moved:
        if len(on_key[key]) > 1:
            first, second = on_key[key][:2]
            raise ConfigError(
                _(
                    "[keymap] : la touche {key} ferait deux choses sur l'écran {screen} : "
                    "« {first} » ({first_id}) et « {second} » ({second_id})",
                    key=format_key(key),
                    screen=screen,
                    first=_(first.description or first.action),
                    first_id=first.id or first.action,
                    second=_(second.description or second.action),
                    second_id=second.id or second.action,
                )
            )
