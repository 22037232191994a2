"""`comptoir doctor` against a real SMTP server (aiosmtpd), a real database and wkhtmltopdf."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from app.cli import main
from app.config import Config
from app.doctor import check_smtp, run_checks
from app.messages.capture import free_port
from app.shop.profile import save_profile
from storage.db import open_database
from tests.docs_fixtures import PROFILE


@pytest.fixture
def smtp_port() -> Iterator[int]:
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def healthy(sqlite_url: str, smtp_port: int, monkeypatch: pytest.MonkeyPatch) -> str:
    open_database(sqlite_url)
    save_profile(**PROFILE)
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("COMPTOIR_SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
    monkeypatch.setenv("COMPTOIR_VONAGE_API_KEY", "key")
    monkeypatch.setenv("COMPTOIR_VONAGE_API_SECRET", "secret")
    return sqlite_url


def test_everything_fine_is_eight_ticks_and_exit_zero(
    healthy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8 and all(line.startswith("✓ ") for line in lines)
    assert lines[0].startswith("✓ Base de données : sqlite:///") and "(schéma v" in lines[0]
    assert lines[1].startswith("✓ SMTP : répond à EHLO (127.0.0.1:")
    assert lines[2] == "✓ Vonage (SMS) : identifiants présents"
    assert lines[3].startswith("✓ wkhtmltopdf : 0.12") and "rend une page de test" in lines[3]
    assert lines[4] == "✓ Profil : complet"
    # Printers are optional: not configured is said, and is no failure (issue 14).
    assert lines[5] == "✓ Messages : aucun en échec, 0 en attente"
    assert lines[6] == "✓ Imprimante (CUPS) : non configurée (facultatif : COMPTOIR_PRINTER)"
    assert lines[7] == (
        "✓ Imprimante de tickets : non configurée (facultatif : COMPTOIR_RECEIPT_PRINTER)"
    )


def test_each_problem_is_one_cross_and_a_non_zero_exit(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    open_database(sqlite_url)
    save_profile(name="Épicerie")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", sqlite_url)
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✓ Base de données")
    assert lines[1] == "✗ SMTP : non configuré (COMPTOIR_SMTP_URL)"
    assert lines[2] == (
        "✗ Vonage (SMS) : identifiants absents "
        "(COMPTOIR_VONAGE_API_KEY, COMPTOIR_VONAGE_API_SECRET)"
    )
    assert lines[3] == (
        "✗ wkhtmltopdf : wkhtmltopdf est introuvable : installez-le avec "
        "« apt-get install --no-install-recommends wkhtmltopdf »."
    )
    assert lines[4] == (
        "✗ Profil : incomplet : Adresse, SIRET, N° TVA, IBAN valide (comptoir profile --help)"
    )


def test_an_smtp_server_that_does_not_answer(config: Config) -> None:
    port = free_port()  # nothing listens there
    check = check_smtp(Config(smtp_url=f"smtp://127.0.0.1:{port}"))
    assert not check.ok and check.line().startswith("✗ SMTP : ne répond pas")


def test_a_database_not_yet_created_or_unreachable(tmp_path: Path) -> None:
    checks = run_checks(Config(database_url=f"sqlite:///{tmp_path / 'new.db'}"))
    assert checks[0].line().endswith("vide, pas encore créée")
    assert checks[4].line() == "✗ Profil : non vérifié : base de données inaccessible"
    checks = run_checks(Config(database_url="postgresql://nobody@127.0.0.1:1/none"))
    assert not checks[0].ok and "impossible d'ouvrir la base de données" in checks[0].detail
