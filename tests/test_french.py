"""French first, English on request: the configuration's and the command line's refusals, and
stored text that reaches the screen (the brief: one translation catalogue; bad input is one
clear French line, never a traceback; control characters never reach the terminal)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input

from app.catalogue import EN
from app.cli import ARGPARSE_FRENCH, early_language
from app.config import Config
from storage.db import open_database
from storage.models import Notification, Order, OrderLine, Profile, StatusChange
from tests.tui import app_for, screen_text, settle

FIRST = "5fec417c-c1f882001c-318c84-001"
ESC = "\x1b"


def _refusal(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The one stderr line of a refused command, exiting with `code`."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- the configuration ------------------------------------------------------------------------


def test_a_config_error_is_french_by_default_and_english_with_lang_en(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad_zone = {"COMPTOIR_TIMEZONE": "Mars/Olympus"}
    assert _refusal(run("profile", extra_env=bad_zone), 1) == (
        "comptoir: fuseau horaire inconnu « Mars/Olympus » (par exemple Europe/Paris)."
    )
    # The configuration is read before its language is known: --lang on the command line
    # (before or after the command) says which, else COMPTOIR_LANG, else French.
    english = "comptoir: unknown timezone 'Mars/Olympus' (e.g. Europe/Paris)."
    assert _refusal(run("--lang", "en", "profile", extra_env=bad_zone), 1) == english
    assert _refusal(run("profile", "--lang=en", extra_env=bad_zone), 1) == english
    assert _refusal(run("profile", extra_env={**bad_zone, "COMPTOIR_LANG": "en"}), 1) == english
    file = tmp_path / "c.toml"
    file.write_text("colour = 'red'\n[notify.lost]\nmail = true\n")
    config = {"COMPTOIR_CONFIG": str(file)}
    assert _refusal(run("profile", extra_env=config), 1) == (
        f"comptoir: {file} : réglage inconnu « colour »."
    )
    assert _refusal(run("--lang", "en", "profile", extra_env=config), 1) == (
        f"comptoir: {file}: unknown setting 'colour'."
    )
    # A bad COMPTOIR_LANG cannot choose the language of its own refusal: French.
    assert _refusal(run("profile", extra_env={"COMPTOIR_LANG": "de"}), 1) == (
        "comptoir: langue « de » non prise en charge (fr ou en)."
    )


@pytest.mark.parametrize(
    ("env", "french", "english"),
    [
        (
            {"COMPTOIR_UNDO_SECONDS": "-1"},
            "COMPTOIR_UNDO_SECONDS : zéro ou un nombre positif attendu, pas « -1 ».",
            "COMPTOIR_UNDO_SECONDS: expected zero or a positive number, got '-1'.",
        ),
        (
            {"COMPTOIR_SMTP_URL": "smtp://host:notaport"},
            "COMPTOIR_SMTP_URL : numéro de port invalide.",
            "COMPTOIR_SMTP_URL has an invalid port.",
        ),
        (
            {"COMPTOIR_SMTP_URL": "smtps://host?starttls=1"},
            "COMPTOIR_SMTP_URL : smtps:// chiffre déjà la connexion, retirez ?starttls=1.",
            "COMPTOIR_SMTP_URL: smtps:// already uses TLS, drop ?starttls=1.",
        ),
        (
            {"COMPTOIR_DATABASE_URL": "mysql://x/y"},
            "l'adresse de base de données doit commencer par sqlite:/// ou postgresql://, "
            "pas « mysql: ».",
            "the database URL must start with sqlite:/// or postgresql://, not 'mysql:'.",
        ),
        (
            {"COMPTOIR_VONAGE_REST_HOST": "https://rest.nexmo.com"},
            "COMPTOIR_VONAGE_REST_HOST : hôte[:port] attendu, sans https://.",
            "COMPTOIR_VONAGE_REST_HOST must be host[:port], without https://.",
        ),
    ],
)
def test_each_config_refusal_in_both_languages(tmp_path: Path, env, french, english) -> None:  # type: ignore[no-untyped-def]
    from app.config import load_config
    from app.errors import ConfigError
    from app.i18n import set_language

    with pytest.raises(ConfigError) as err:
        load_config(env, path=tmp_path / "absent.toml")
    assert str(err.value) == french
    set_language("en")
    with pytest.raises(ConfigError) as err:
        load_config(env, path=tmp_path / "absent.toml")
    assert str(err.value) == english


# -- the command line -------------------------------------------------------------------------


def test_a_bad_flag_or_command_is_one_french_line_and_exit_2(run) -> None:  # type: ignore[no-untyped-def]
    assert _refusal(run("serve", "--port", "70000"), 2) == (
        "comptoir: argument --port : un nombre entier de 1 à 65535 attendu, pas « 70000 » "
        "(voir « comptoir serve --help »)"
    )
    assert _refusal(run("worker", "--batch", "0"), 2) == (
        "comptoir: argument --batch : un nombre entier d'au moins 1 attendu, pas « 0 » "
        "(voir « comptoir worker --help »)"
    )
    line = _refusal(run("nope"), 2)
    assert line.startswith("comptoir: argument SOUS-COMMANDE : choix invalide : 'nope' (au choix")
    assert _refusal(run("--lang", "de"), 2) == (
        "comptoir: argument --lang : choix invalide : 'de' (au choix : 'fr', 'en') "
        "(voir « comptoir --help »)"
    )
    assert _refusal(run("export"), 2) == (
        "comptoir: arguments obligatoires manquants : --month (voir « comptoir export --help »)"
    )
    assert _refusal(run("profile", "--colour", "red"), 2).startswith(
        "comptoir: arguments non reconnus : --colour red"
    )


def test_a_bad_flag_is_english_with_lang_en(run) -> None:  # type: ignore[no-untyped-def]
    assert _refusal(run("--lang", "en", "serve", "--port", "x"), 2) == (
        "comptoir: argument --port: expected a whole number from 1 to 65535, got 'x' "
        "(see 'comptoir serve --help')"
    )
    line = _refusal(run("nope", "--lang", "en"), 2)
    assert line.startswith("comptoir: argument COMMAND: invalid choice: 'nope' (choose from")
    assert _refusal(run("export", extra_env={"COMPTOIR_LANG": "en"}), 2) == (
        "comptoir: the following arguments are required: --month (see 'comptoir export --help')"
    )


def test_help_is_french_and_english_on_request(run) -> None:  # type: ignore[no-untyped-def]
    french = run("status", "--help")
    assert french.returncode == 0
    assert french.stdout.startswith("utilisation : comptoir status")
    for words in (
        "arguments positionnels",
        "afficher cette aide et quitter",
        "NUMÉRO [NUMÉRO ...] STATUT",
    ):
        assert words in french.stdout
    english = run("status", "--help", "--lang", "en")
    assert english.stdout.startswith("usage: comptoir status")
    for words in (
        "positional arguments",
        "show this help message and exit",
        "NUMBER [NUMBER ...] STATUS",
    ):
        assert words in english.stdout
    assert "changer le statut" not in english.stdout


def test_argparse_words_and_the_catalogue_agree() -> None:
    """English shows argparse's own words: each French one translates back to them."""
    for english, french in ARGPARSE_FRENCH.items():
        assert EN[french] == english, french


def test_the_language_before_the_configuration() -> None:
    assert early_language([], {}) == "fr"
    assert early_language(["status", "X", "ready", "--lang", "en"], {}) == "en"
    assert early_language(["--lang=en"], {}) == "en"
    assert early_language(["--la", "en"], {}) == "en"  # argparse's abbreviations
    assert early_language(["--lang", "de"], {"COMPTOIR_LANG": "en"}) == "en"
    assert early_language(["--lang"], {}) == "fr"
    assert early_language(["--", "--lang", "en"], {}) == "fr"  # after --, a value
    assert early_language([], {"COMPTOIR_LANG": "de"}) == "fr"
    assert early_language(["--lang", "fr"], {"COMPTOIR_LANG": "en"}) == "fr"


# -- stored text on the screen ----------------------------------------------------------------

CLEAR = "Eve\x1b[2J"  # "clear the screen", stored before such text was refused
OSC52 = "x\x1b]52;c;ZWNobyBwd25lZA==\x07"  # "write this to the clipboard"


def _store_hostile_text(url: str, config: Config, seed_path: Path) -> None:
    """Write control characters straight into the database, bypassing the entry checks."""
    from app.intake.files import import_files
    from app.orders.rules import change_status
    from app.orders.statuses import OrderStatus

    open_database(url, timezone=config.timezone)
    import_files([seed_path], config=config)
    change_status(FIRST, OrderStatus.CONFIRMING, config=config, by="Léa", reason="ok")
    StatusChange.update(by=CLEAR, reason=OSC52).execute()
    order = Order.get(Order.number == FIRST)
    Order.update(
        customer_name=CLEAR, customer_address=f"4 rue d'Alger\n{OSC52}", fulfilment_details=CLEAR
    ).where(Order.id == order.id).execute()
    OrderLine.update(product=CLEAR, seller=OSC52).where(OrderLine.order == order.id).execute()
    Notification.update(state="failed", last_error=f"550 {CLEAR}").execute()
    Profile.delete().execute()
    Profile.create(name=CLEAR, address=f"1 place\n{OSC52}", point_of_sale="\x9b2J")


async def test_stored_control_characters_never_reach_the_terminal(
    sqlite_url: str, config: Config, seed_path: Path
) -> None:
    _store_hostile_text(sqlite_url, config, seed_path)
    app = app_for(Config(database_url=sqlite_url), order=FIRST)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Historique" in shown
        assert ESC not in shown and "\x07" not in shown and "\x9b" not in shown
        assert "Eve\\x1b[2J" in shown  # written out: the staff see something is odd
        assert "4 rue d'Alger" in shown
        await pilot.press("escape")  # back to the list, then the profile (section 3)
        await pilot.press("3")
        await settle(pilot)
        values = [field.value for field in app.screen.query(Input)]
        assert "Eve\\x1b[2J" in values and "\\x9b2J" in values
        assert not any(ESC in value or "\x9b" in value for value in values)
        shown = screen_text(app)
        assert ESC not in shown and "\x9b" not in shown
