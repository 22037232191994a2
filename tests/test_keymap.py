"""`[keymap]` in config.toml: a binding remapped by its id works, and the footer, `?`, the
palette and the section bar show the key in effect; an unknown id or a clash is refused at
start with one line."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import DataTable, OptionList

from app.config import Config, load_config
from app.errors import ConfigError
from app.tui.app import ComptoirApp
from app.tui.keys import check_keymap, scopes
from screens.help import HelpScreen
from screens.order import OrderScreen
from tests.tui import app_for, press, screen_text, seeded_config, settle

ORDER = "5fec417c-c1f882001c-318c84-001"


@pytest.fixture
def seeded(sqlite_url: str, seed_path: Path) -> Config:
    return seeded_config(sqlite_url, seed_path)


def _preview(app: ComptoirApp) -> str:
    return str(app.screen.query_one("#change-preview").render())


async def test_a_remapped_key_works_and_shows_everywhere(seeded: Config) -> None:
    keymap = {"order-next": "k", "order-status": "ctrl+s"}
    app = app_for(replace(seeded, keymap=keymap), order=ORDER)
    async with app.run_test(size=(160, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        footer = screen_text(app).splitlines()[-1]
        assert "k Suite" in footer and "n Suite" not in footer
        assert "^s Statut" in footer
        assert "Changer le statut (^s)" in screen_text(app)  # the status list says it too
        await press(pilot, "n")  # its old key does nothing now
        assert not _preview(app).startswith("Confirmation en cours :")
        await press(pilot, "k")
        assert _preview(app).startswith("Confirmation en cours :")
        await press(pilot, "escape")  # the change is abandoned

        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        keys = {
            str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0]) for i in range(table.row_count)
        }
        assert keys["Suite"] == "k"
        await press(pilot, "escape")

        await press(pilot, "ctrl+p")
        await pilot.press(*"Suite")
        results = app.screen.query_one(OptionList)
        for _ in range(50):  # the palette searches in the background
            await pilot.pause(0.1)
            if results.option_count:
                break
        assert str(results.get_option_at_index(0).prompt).splitlines() == ["Suite", "k"]


async def test_the_section_bar_shows_a_remapped_global_key(seeded: Config) -> None:
    app = app_for(replace(seeded, keymap={"go-to-order": "j"}))
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        assert "j Aller à" in top and "g Aller à" not in top
        await press(pilot, "j")
        assert "N° de commande" in screen_text(app)


def test_a_key_textual_cannot_deliver_is_refused() -> None:
    for keys in ("ctrl+banana", "s s", "s,", "hyperspace+x", "\x1b"):
        with pytest.raises(ConfigError, match="n'est pas une touche"):
            check_keymap({"order-status": keys})
    check_keymap({"order-status": "ctrl+s, f2"})  # names Textual knows, and characters
    check_keymap({"order-status": "é"})


def test_keys_may_be_swapped_or_given_twice() -> None:
    check_keymap({"order-status": "n", "order-next": "s"})  # a swap moves both: no clash
    check_keymap({"order-next": "n,ctrl+n", "help": "?"})  # a default given again, and "?"


def test_an_unknown_id_is_refused_with_the_nearest_one() -> None:
    with pytest.raises(ConfigError) as refused:
        check_keymap({"order-stat": "ctrl+s"})
    assert str(refused.value) == (
        "[keymap] : aucune touche n'a l'identifiant « order-stat » "
        "(vouliez-vous dire « order-status » ?)"
    )


def test_two_actions_on_one_key_of_a_screen_are_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        check_keymap({"order-next": "s"})
    assert str(refused.value) == (
        "[keymap] : la touche s ferait deux choses sur l'écran Commande : "
        "« Statut » (order-status) et « Suite » (order-next)"
    )
    with pytest.raises(ConfigError, match="l'écran Commandes"):
        check_keymap({"commandes-today": "g"})  # the App's own `g` (Aller à) is there too
    check_keymap({"help-close": "g"})  # a dialog: the App's keys do not reach it


def test_the_table_is_read_from_config_toml(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('[keymap]\norder-status = "ctrl+s"\norder-next = "x, ctrl+x"\n')
    config = load_config({}, path=file)
    assert config.keymap == {"order-status": "ctrl+s", "order-next": "x,ctrl+x"}
    file.write_text("[keymap]\norder-status = 3\n")
    with pytest.raises(ConfigError, match=r"keymap\.order-status"):
        load_config({}, path=file)


@pytest.mark.parametrize(
    ("table", "line"),
    [
        (
            'nope = "x"',
            "comptoir: [keymap] : aucune touche n'a l'identifiant « nope »",
        ),
        (
            'order-next = "s"',
            "comptoir: [keymap] : la touche s ferait deux choses sur l'écran Commande : "
            "« Statut » (order-status) et « Suite » (order-next)",
        ),
        (
            'order-status = "ctrl+banana, s"',
            "comptoir: [keymap] : « ctrl+banana » n'est pas une touche (order-status) ; "
            "par exemple ctrl+s, f2, pageup, x",
        ),
        (
            'order-status = "\\u001b[31m"',
            "comptoir: [keymap] : « \\x1b[31m » n'est pas une touche (order-status) ; "
            "par exemple ctrl+s, f2, pageup, x",
        ),
    ],
    ids=["unknown", "clash", "no-such-key", "escape-sequence"],
)
def test_comptoir_refuses_a_bad_keymap_at_start(run, tmp_path: Path, table: str, line: str) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "config.toml"
    file.write_text(f"[keymap]\n{table}\n")
    result = run(extra_env={"COMPTOIR_CONFIG": str(file)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line]


def _nodes_with_bindings() -> set[type[DOMNode]]:
    """Every class of screens/ and widgets/ that declares bindings of its own."""
    found: set[type[DOMNode]] = set()
    for package in ("screens", "widgets"):
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            module = importlib.import_module(f"{package}.{info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    cls.__module__ == module.__name__
                    and issubclass(cls, DOMNode)
                    and cls.__dict__.get("BINDINGS")
                ):
                    found.add(cls)
    return found


def test_every_screen_and_widget_with_keys_is_checked_and_every_key_has_an_id() -> None:
    listed = {node for scope in scopes() for node in (scope.screen, *scope.widgets)}
    assert _nodes_with_bindings() <= listed, "add it to app/tui/keys.py scopes()"
    by_id: dict[str, Binding] = {}
    for node in [ComptoirApp, *listed]:
        declared = node.__dict__.get("BINDINGS", [])
        assert all(isinstance(b, Binding) and b.id for b in declared), node
        for binding in declared:
            # One id, one binding: the same one may be shared by two screens (print-retry).
            assert by_id.setdefault(binding.id, binding) == binding, binding.id


def test_the_readme_names_every_binding_id() -> None:
    from app.tui.keys import binding_ids

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Every key has an id") : readme.index("New orders and other")]
    assert set(binding_ids()) <= set(section.replace("`", " ").split())
