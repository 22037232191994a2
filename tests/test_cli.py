"""The command line as scripts use it (SPEC §7): real processes, exit codes, one-line errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.factories import order_doc, write_json

ROOT = Path(__file__).resolve().parents[1]
FIRST = "5fec417c-c1f882001c-318c84-001"


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _count(db: Path, table: str = "orders") -> int:
    return sqlite3.connect(db).execute(f"select count(*) from {table}").fetchone()[0]


def test_import_then_move_an_order_through_its_statuses(run, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("import", str(seed_path))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "4 commande(s) importée(s), 0 déjà connue(s), 1 en erreur de paiement."
    )
    again = run("import", str(seed_path))
    assert "déjà connue, ignorée" in again.stdout and again.returncode == 0
    for status in ("confirming", "processing", "ready", "in_delivery", "finished"):
        moved = run("status", FIRST, status, "--by", "Léa")
        assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == f"{FIRST} : Livraison/retrait en cours → Terminé"
    rows = (
        sqlite3.connect(run.db)
        .execute("select by, to_status from status_change order by id desc limit 1")
        .fetchall()
    )
    assert rows == [("Léa", "finished")]


def test_a_refused_status_lists_the_allowed_ones(run, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(seed_path))
    line = _one_line_error(run("status", FIRST, "ready"))
    assert line.startswith(
        "comptoir: Passage de « Commande Enregistrée » à « Commande prête » impossible."
    )
    assert "confirming" in line and "processing" in line and "cancelled" in line


def test_cancel_needs_a_reason_and_english_works(run, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(seed_path))
    assert _one_line_error(run("--lang", "en", "status", FIRST, "cancelled")) == (
        "comptoir: A cancellation needs a reason."
    )
    done = run("status", FIRST, "cancelled", "--reason", "Rupture de stock", "--lang", "en")
    assert done.returncode == 0 and "Order registered → Cancelled" in done.stdout


def test_a_bad_file_is_one_line_and_changes_nothing(run, tmp_path: Path, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(seed_path))
    bad = write_json(tmp_path / "bad.json", order_doc(number="X-1", total="2.00"))
    line = _one_line_error(run("import", str(seed_path), str(bad)))
    expected = "champ total : vaut 2.00 mais les lignes et la livraison font 1.00"
    assert line == f"comptoir: {bad} : commande X-1 : {expected}"
    assert _count(run.db) == 4


def test_unknown_order_and_status(run, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(seed_path))
    assert "Aucune commande n° NOPE" in _one_line_error(run("status", "NOPE", "ready"))
    assert "Statut inconnu « bientôt »" in _one_line_error(run("status", FIRST, "bientôt"))


def test_profile_show_set_and_refuse(run) -> None:  # type: ignore[no-untyped-def]
    saved = run(
        "profile",
        "--name",
        "Thé & Co",
        "--iban",
        "FR1420041010050500013M02606",
        "--siret",
        "73282932000074",
        "--vat",
        "FR44732829320",
        "--mobile",
        "06 12 34 56 78",
        "--email",
        "boutique@example.org",
    )
    assert saved.returncode == 0, saved.stderr
    assert "FR14 2004 1010 0505 0001 3M02 606" in saved.stdout and "+33612345678" in saved.stdout
    for args, words in [
        (("--iban", "FR0000000000000000000000000"), "IBAN invalide"),
        (("--siret", "12345678901234"), "SIRET invalide"),
        (("--vat", "FR00123456789"), "N° de TVA invalide"),
        (("--mobile", "01 23 45 67 89"), "Numéro de mobile invalide"),
        (("--email", "nope"), "Adresse mail invalide"),
        (("--name", "  "), "Le nom ne peut pas être vide"),
    ]:
        assert words in _one_line_error(run("profile", *args))
    assert "Thé & Co" in run("profile").stdout  # nothing was half-written


def test_bad_configuration_is_one_line(run) -> None:  # type: ignore[no-untyped-def]
    assert "fuseau horaire inconnu « Mars/Olympus »" in _one_line_error(
        run("profile", extra_env={"COMPTOIR_TIMEZONE": "Mars/Olympus"})
    )
    assert "COMPTOIR_UNDO_SECONDS" in _one_line_error(
        run("profile", extra_env={"COMPTOIR_UNDO_SECONDS": "soon"})
    )
    assert "l'adresse de base de données doit commencer par" in _one_line_error(
        run("profile", extra_env={"COMPTOIR_DATABASE_URL": "mysql://x/y"})
    )
    assert "impossible d'ouvrir la base de données" in _one_line_error(
        run("profile", "--db", "postgresql://nobody@127.0.0.1:1/none")
    )


def test_a_bad_config_file_is_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "c.toml"
    file.write_text("lang = 'de'\n")
    assert "langue « de » non prise en charge" in _one_line_error(
        run("profile", extra_env={"COMPTOIR_CONFIG": str(file)})
    )
    file.write_text("lang = \n")
    assert "fichier TOML invalide" in _one_line_error(
        run("profile", extra_env={"COMPTOIR_CONFIG": str(file)})
    )


def test_version_and_help_for_every_command(run) -> None:  # type: ignore[no-untyped-def]
    from app import __version__

    assert run("--version").stdout.strip() == f"comptoir {__version__}"
    for command in (
        "import",
        "status",
        "profile",
        "worker",
        "staff",
        "pdf",
        "invoice",
        "export",
        "serve",
        "doctor",
    ):
        result = run(command, "--help")
        assert result.returncode == 0 and f"comptoir {command}" in result.stdout


def test_the_console_script_is_the_same_command() -> None:
    script = Path(sys.executable).parent / "comptoir"  # installed by `pip install -e .`
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("comptoir ")


def test_picklist_and_remove_line_from_the_command_line(  # type: ignore[no-untyped-def]
    run, seed_path: Path, tmp_path: Path
) -> None:
    """Issue 13 items 1 and 3 as scripts use them: text, CSV and PDF; one-line refusals."""
    run("import", str(seed_path))
    text = run("picklist", "--day", "2021-01-18")
    assert text.returncode == 0, text.stderr
    assert "Thé vert Sencha" in text.stdout and "6005a1c0-c1f882001c-41aa02-001" in text.stdout
    csv = run("picklist", "--day", "2020-12-30", "--to", "2021-01-31", "--format", "csv")
    assert csv.stdout.splitlines()[0].startswith("Catégorie;Produit;Quantité totale")
    assert len(csv.stdout.splitlines()) == 4  # the three orders to prepare, Erreur left out
    pdf = tmp_path / "liste.pdf"
    made = run("picklist", "--day", "2021-01-18", "--format", "pdf", "-o", str(pdf))
    assert made.returncode == 0 and made.stdout.strip() == str(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _one_line_error(run("picklist", "--format", "pdf", "-o", "/proc/liste.pdf")) == (
        "comptoir: Impossible d'écrire /proc/liste.pdf : No such file or directory"
    )
    assert _one_line_error(run("picklist", "--day", "2021-02-30")) == (
        "comptoir: Date attendue AAAA-MM-JJ (par exemple 2021-01-18), pas « 2021-02-30 »."
    )
    assert _one_line_error(run("picklist", "--day", "2021-01-18", "--to", "2021-01-01")) == (
        "comptoir: --to doit venir après --day."
    )

    order = "6006f3a2-c1f882001c-52bb13-001"
    assert _one_line_error(run("remove-line", order, "9", "--reason", "rupture")) == (
        "comptoir: Ligne 9 inconnue : la commande a 1 ligne(s)."
    )
    # The only line: removing it cancels the order (and credits it), in one line of output.
    removed = run("remove-line", order, "1", "--reason", "rupture")
    assert removed.returncode == 0, removed.stderr
    status = (
        sqlite3.connect(run.db)
        .execute("select status from orders where number = ?", (order,))
        .fetchone()
    )
    assert status == ("cancelled",)
