"""Control characters never reach storage nor the terminal; typed text is never markup.

Issue 10 item 4: `--by $'Eve\\e[2J'` cleared every TUI showing that history, an OSC 52
clipboard sequence got through `profile`, `comptoir import` printed unknown JSON keys raw,
and the `/` field read `[@click=app.quit]` and `[/bold]` as markup.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import Config, load_config
from app.errors import ComptoirError, ConfigError
from app.orders.rules import change_status
from app.orders.statuses import OrderStatus
from app.shop import staff
from app.shop.profile import load_profile, save_profile
from app.text import forbidden_character, printable
from storage.models import Profile, Staff, StatusChange
from tests.factories import order_doc, write_json

FIRST = "5fec417c-c1f882001c-318c84-001"
CLEAR = "Eve\x1b[2J"
OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # "write this to the clipboard"
HOSTILE = [
    pytest.param(CLEAR, id="ESC-clear-screen"),
    pytest.param(OSC52, id="OSC-52"),
    pytest.param("Eve\x9b2J", id="C1-CSI"),
    pytest.param("Eve\x7f", id="DEL"),
    pytest.param("abc\u202edcb", id="bidi-override"),
    pytest.param("Eve\udcff", id="lone-surrogate"),
]


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    assert "erreur inattendue" not in result.stderr and "unexpected error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert "\u202e" not in result.stderr
    return lines[0]


def test_the_one_check() -> None:
    for bad in ("\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\ud800", "\u2028"):
        assert forbidden_character(f"a{bad}b") == bad
    assert forbidden_character("Zoé O'Brien — 4 rue d'Alger\n", newlines=True) is None
    assert forbidden_character("a\nb") == "\n"
    assert forbidden_character("👩‍🍳 Café") is None  # a zero-width joiner is not refused
    assert printable("k\x1b[2J\u202e") == "k\\x1b[2J\\u202e"


@pytest.mark.parametrize("value", HOSTILE)
def test_the_cli_flags_refuse_control_characters(run, seed_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    assert run("import", str(seed_path)).returncode == 0
    for args in (
        ("status", FIRST, "confirming", "--by", value),
        ("status", FIRST, "cancelled", "--reason", value),
        ("profile", "--name", value),
        ("profile", "--address", value),
        ("staff", "add", value),
    ):
        line = _one_line(run(*args, input="4321\n"))
        assert line.startswith("comptoir: ") and "U+" in line, line
    db = sqlite3.connect(run.db)
    assert db.execute("select count(*) from status_change where kind = 'change'").fetchone() == (0,)
    assert db.execute("select count(*) from staff").fetchone() == (0,)
    assert db.execute("select count(*) from profile").fetchone() == (0,)


def test_a_refusal_names_the_flag_in_french(run) -> None:  # type: ignore[no-untyped-def]
    line = _one_line(run("profile", "--name", CLEAR))
    assert line == "comptoir: --name : caractère de contrôle refusé (U+001B)."
    line = _one_line(run("status", FIRST, "ready", "--by", OSC52))
    assert line == "comptoir: --by : caractère de contrôle refusé (U+001B)."
    english = _one_line(run("--lang", "en", "status", FIRST, "ready", "--reason", "x\x07"))
    assert english == "comptoir: --reason: control character refused (U+0007)."


@pytest.mark.parametrize("value", HOSTILE)
def test_the_rules_refuse_them_too(db: str, config: Config, seed_path: Path, value: str) -> None:
    """The TUI's paths (profile form, sign-in names, status changes) call the same check."""
    from app.intake.files import import_files

    import_files([seed_path], config=config)
    with pytest.raises(ComptoirError, match="U\\+"):
        change_status(FIRST, OrderStatus.CONFIRMING, config=config, by=value)
    with pytest.raises(ComptoirError, match="U\\+"):
        change_status(FIRST, OrderStatus.CANCELLED, config=config, reason=value)
    for field in ("name", "address", "point_of_sale", "email", "iban"):
        with pytest.raises(ComptoirError, match="U\\+"):
            save_profile(**{field: value})
    with pytest.raises(ComptoirError, match="U\\+"):
        staff.add(value, "4321")
    assert StatusChange.select().where(StatusChange.kind == "change").count() == 0
    assert Staff.select().count() == 0 and Profile.select().count() == 0
    assert save_profile(name="Zoé", address="4 rue d'Alger\n69002 Lyon").address.count("\n") == 1
    assert load_profile().name == "Zoé"


@pytest.mark.parametrize("value", HOSTILE)
def test_configuration_values_refuse_them(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="U\\+"):
        load_config({"COMPTOIR_MAIL_FROM": value}, path=tmp_path / "absent.toml")
    file = tmp_path / "c.toml"
    file.write_text(f"mail_from = {json.dumps(value)}\n", encoding="utf-8", errors="surrogatepass")
    with pytest.raises(ConfigError) as err:
        load_config({}, path=file)
    assert "\x1b" not in str(err.value) and "\u202e" not in str(err.value)


def test_intake_prints_unknown_keys_escaped(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = order_doc(number="K-1")
    doc[f"x{OSC52}\x1b[2J"] = 1
    line = _one_line(run("import", str(write_json(tmp_path / "in.json", doc))))
    assert "x\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b[2J" in line
    assert line.endswith("n'est pas un champ connu")


@pytest.mark.parametrize("value", HOSTILE)
def test_intake_refuses_them_in_values(run, tmp_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    doc = order_doc(number="K-2")
    doc["customer"]["name"] = value
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")  # \\udcff stays an escape in JSON
    line = _one_line(run("import", str(path)))
    assert "champ customer.name : " in line and "U+" in line
    assert "unexpected" not in line


async def test_the_search_field_is_never_markup(sqlite_url: str, seed_path: Path) -> None:
    from textual.widgets import Input

    from tests.tui import app_for, seeded_config, settle

    app = app_for(seeded_config(sqlite_url, seed_path))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        for typed in ("[@click=app.quit]x[/]", "[/bold]", "[b]Léa"):
            await pilot.press("slash")
            field = app.screen.query_one("#search", Input)
            field.value = ""
            await pilot.press(*typed, "enter")
            await settle(pilot)
            title = app.screen.query_one("#list-title").render()
            assert f"Recherche « {typed} »" in str(title), str(title)
            assert not getattr(title, "spans", None) or all(
                "@click" not in str(span.style) for span in title.spans
            )
            await pilot.click("#list-title")
            await settle(pilot)
            assert app.is_running
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running


def test_the_fast_check_refuses_exactly_the_characters_of_its_definition() -> None:
    """forbidden_character is one regular expression (intake's speed): on every code point it
    agrees with the definition by Unicode category, with and without newlines allowed."""
    from app import text

    for code in range(0x110000):
        char = chr(code)
        refused = text._is_forbidden(char)
        assert (text.forbidden_character(f"a{char}b") == char) is refused, hex(code)
        allowed_newline = char in text.NEWLINES
        expected = refused and not allowed_newline
        assert (text.forbidden_character(char, newlines=True) == char) is expected, hex(code)
