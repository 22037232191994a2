"""The preparation day's commands as scripts use them (issue 13 items 1, 3 and 6): real
processes on a fresh SQLite database, exit codes, one-line errors, hostile text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.factories import order_doc, write_json
from tests.test_cli import _one_line_error

FORMULA = '=HYPERLINK("http://evil.example","clic")'
MARKUP = "[bold]Thé[/] vert"
LINES = [
    {
        "product": FORMULA,
        "category": "+Épicerie",
        "seller": "P",
        "unit_price": "4.50",
        "quantity": 3,
        "vat_rate": "5.50",
    },
    {
        "product": MARKUP,
        "category": "Thé",
        "seller": "P",
        "unit_price": "3.00",
        "quantity": 1,
        "vat_rate": "5.50",
    },
]


def _orders(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docs = [
        order_doc(
            number="P-1",
            placed_at="2021-01-18T09:30:00+01:00",
            lines=LINES,
            total="16.50",
            fulfilment={"mode": "pickup", "details": "samedi 10h", "shipping_fee": "0.00"},
        ),
        order_doc(
            number="P-2",
            placed_at="2021-01-19T09:30:00+01:00",
            lines=LINES[:1],
            total="13.50",
            fulfilment={"mode": "pickup", "details": "-1 étage", "shipping_fee": "0.00"},
        ),
    ]
    result = run("import", str(write_json(tmp_path / "orders.json", docs)))
    assert result.returncode == 0, result.stderr


def test_picklist_text_shows_names_as_written(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _orders(run, tmp_path)
    day = run("picklist", "--day", "2021-01-18")
    assert day.returncode == 0, day.stderr
    assert day.stdout.splitlines()[:2] == [
        "Liste de préparation — Commandes du 18/01/2021",
        "1 commande(s) à préparer",
    ]
    assert f"[ ]    3 × {FORMULA}" in day.stdout
    assert f"[ ]    1 × {MARKUP}" in day.stdout  # never read as markup
    both = run("picklist", "--day", "2021-01-18", "--to", "2021-01-19")
    assert "Commandes du 18/01/2021 au 19/01/2021" in both.stdout
    assert f"[ ]    6 × {FORMULA}" in both.stdout
    assert "      [ ]   3  P-2  -1 étage" in both.stdout


def test_picklist_csv_never_holds_a_formula(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _orders(run, tmp_path)
    out = run("picklist", "--day", "2021-01-18", "--to", "2021-01-19", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = [line.split(";") for line in out.stdout.splitlines()[1:]]
    # Every text cell that starts like a formula (=, +, -, @) gets an apostrophe (OWASP),
    # as in the Finances export: category, product, slot.
    assert rows[0][0] == "'+Épicerie"
    assert rows[0][1] == '"\'=HYPERLINK(""http://evil.example"",""clic"")"'
    assert [row[6] for row in rows if row[3] == "P-2"] == ["'-1 étage"]
    assert rows[-1][:2] == ["Thé", MARKUP]
    target = tmp_path / "liste.csv"
    written = run("picklist", "--day", "2021-01-18", "--format", "csv", "-o", str(target))
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == str(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as the Finances CSV
    assert "'=HYPERLINK" in data.decode("utf-8-sig")


def test_picklist_refuses_bad_days_and_outputs_in_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _orders(run, tmp_path)
    assert _one_line_error(run("picklist", "--day", "2021-13-01")) == (
        "comptoir: Date attendue AAAA-MM-JJ (par exemple 2021-01-18), pas « 2021-13-01 »."
    )
    assert _one_line_error(run("picklist", "--day", "2021-01-18", "--to", "2021-01-17")) == (
        "comptoir: --to doit venir après --day."
    )
    assert _one_line_error(run("picklist", "--day", "\x1b[2J2021-01-18")) == (
        "comptoir: --day : caractère de contrôle refusé (U+001B)."
    )
    assert _one_line_error(run("--lang", "en", "picklist", "--to", "x")).startswith(
        "comptoir: Expected a date YYYY-MM-DD"
    )
    # -o onto the database itself would replace the shop's records: refused, nothing written.
    before = run.db.read_bytes()
    assert _one_line_error(run("picklist", "-o", str(run.db))) == (
        f"comptoir: {run.db} est la base de données : choisissez un autre fichier."
    )
    assert run.db.read_bytes() == before
    assert sqlite3.connect(run.db).execute("select count(*) from orders").fetchone() == (2,)
    # A folder: one line saying the file cannot be written, no temporary file left behind.
    line = _one_line_error(run("picklist", "-o", str(tmp_path)))
    assert line.startswith(f"comptoir: Impossible d'écrire {tmp_path} : ")
    assert not list(tmp_path.glob(".tmp-*"))


def test_remove_line_by_name_then_the_last_line_cancels(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _orders(run, tmp_path)
    hostile = run("remove-line", "P-1", "1", "--reason", "rupture\x1b]0;owned\x07")
    assert _one_line_error(hostile) == "comptoir: --reason : caractère de contrôle refusé (U+001B)."
    assert _one_line_error(run("remove-line", "P-1", "1", "--quantity", "4", "--reason", "x")) == (
        "comptoir: Quantité à retirer entre 1 et 3, pas 4."
    )
    assert _one_line_error(run("remove-line", "P-1", "7", "--reason", "x")) == (
        "comptoir: Ligne 7 inconnue : la commande a 2 ligne(s)."
    )
    db = sqlite3.connect(run.db)
    assert db.execute("select total, refund from orders where number = 'P-1'").fetchone() == (
        1650,
        0,
    )
    part = run("remove-line", "P-1", MARKUP, "--reason", "[red]Rupture[/]", "--by", "Léa")
    assert part.returncode == 0, part.stderr
    assert part.stdout.startswith(f"P-1 : 1 × {MARKUP} retiré(s), 3,00 € remboursé(s)")
    reason = db.execute(
        "select text from order_event where kind = 'removed' order by id desc"
    ).fetchone()[0]
    assert "[red]Rupture[/]" in reason  # stored as typed: never markup
    last = run("remove-line", "P-1", "1", "--reason", "Rupture de stock")
    assert last.returncode == 0, last.stderr
    assert last.stdout.splitlines()[-1] == "Dernière ligne retirée : la commande est annulée."
    assert db.execute("select status from orders where number = 'P-1'").fetchone() == ("cancelled",)


def test_status_with_several_numbers_says_what_was_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _orders(run, tmp_path)
    result = run("status", "P-1", "P-2", "NOPE", "confirming", "--by", "Léa")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == ["✓ P-1", "✓ P-2"]
    assert result.stdout.splitlines()[-1].startswith(
        "2 commande(s) passée(s) à « Confirmation en cours »"
    )
    assert result.stdout.splitlines()[-1].endswith("1 refusée(s).")
    assert result.stderr.startswith("✗ NOPE : ")
    rows = sqlite3.connect(run.db).execute("select status from orders order by number").fetchall()
    assert rows == [("confirming",), ("confirming",)]
