"""Configuration: TOML file, environment overrides, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import load_config
from app.errors import ConfigError
from app.orders.statuses import OrderStatus


def test_defaults_follow_the_spec(tmp_path: Path) -> None:
    config = load_config({}, path=tmp_path / "absent.toml")
    assert (config.lang, config.timezone, config.undo_seconds) == ("fr", "Europe/Paris", 20.0)
    assert config.resolved_database_url.startswith("sqlite:///")
    assert config.notify[OrderStatus.READY].mail and not config.notify[OrderStatus.CANCELLED].mail


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text(
        'lang = "en"\ntimezone = "Europe/Paris"\nundo_seconds = 5\n[notify.ready]\nsms = false\n',
        encoding="utf-8",
    )
    config = load_config(
        {
            "COMPTOIR_LANG": "fr",
            "COMPTOIR_UNDO_SECONDS": "0",
            "COMPTOIR_SMTP_URL": "smtp://u:p@127.0.0.1:2525",
        },
        path=file,
    )
    assert config.lang == "fr" and config.undo_seconds == 0
    assert config.notify[OrderStatus.READY].mail and not config.notify[OrderStatus.READY].sms


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"COMPTOIR_LANG": "de"}, "langue « de »"),
        ({"COMPTOIR_TIMEZONE": "Nowhere/Land"}, "fuseau horaire inconnu"),
        ({"COMPTOIR_UNDO_SECONDS": "-1"}, "zéro ou un nombre positif"),
        ({"COMPTOIR_SMTP_URL": "http://x"}, "COMPTOIR_SMTP_URL"),
        ({"COMPTOIR_SMTP_URL": "smtp://host:notaport"}, "port invalide"),
        ({"COMPTOIR_SMTP_URL": "smtps://host?starttls=1"}, "chiffre déjà la connexion"),
        ({"COMPTOIR_DATABASE_URL": "oracle://x"}, "adresse de base de données"),
        ({"COMPTOIR_VONAGE_REST_HOST": "https://rest.nexmo.com"}, "hôte[:port]"),
    ],
)
def test_bad_values_are_refused_with_the_reason(
    tmp_path: Path, env: dict[str, str], words: str
) -> None:
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        load_config(env, path=tmp_path / "absent.toml")


def test_unknown_keys_and_statuses_in_the_file_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "c.toml"
    file.write_text("colour = 'red'\n")
    with pytest.raises(ConfigError, match="réglage inconnu « colour »"):
        load_config({}, path=file)
    file.write_text("[notify.lost]\nmail = true\n")
    with pytest.raises(ConfigError, match="statut inconnu « lost »"):
        load_config({}, path=file)


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[notify.ready]\nmail = "false"\n', "« notify.ready.mail » doit être true ou false"),
        ("[notify.ready]\nsms = 0\n", "« notify.ready.sms » doit être true ou false"),
        ('sms_enabled = "no"\n', "« sms_enabled » doit être true ou false"),
        ('undo_seconds = "20"\n', "« undo_seconds » doit être un nombre (sans guillemets)"),
        ("undo_seconds = true\n", "« undo_seconds » doit être un nombre"),
        ("mail_from = 12\n", "« mail_from » doit être du texte entre guillemets"),
    ],
)
def test_a_setting_of_the_wrong_type_is_refused(tmp_path: Path, toml: str, words: str) -> None:
    """`mail = "false"` was read as true (bool of a non-empty string)."""
    file = tmp_path / "c.toml"
    file.write_text(toml)
    with pytest.raises(ConfigError) as err:
        load_config({}, path=file)
    assert words in str(err.value)
    assert str(err.value).startswith(f"{file} : ") and "\n" not in str(err.value)


def test_a_wrong_type_is_one_line_from_the_command(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "c.toml"
    file.write_text('[notify.ready]\nmail = "false"\n')
    result = run("profile", extra_env={"COMPTOIR_CONFIG": str(file)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"comptoir: {file} : « notify.ready.mail » doit être true ou false (sans guillemets), "
        "pas texte ('false')."
    )
