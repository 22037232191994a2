"""Documents that fail cleanly (issue 10 item 9).

A failed PDF or CSV write left a `.tmp-*` file; a hung wkhtmltopdf hung `comptoir pdf`
forever; two order numbers folding to one file name overwrote each other's PDF; a
150-character product name pushed the invoice's columns off the page; two orders of
92 233 720 368 547 758,07 € blanked the calendar (its month sum overflowed).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from app.config import Config
from app.documents.render import (
    document_pdf_name,
    invoice_of,
    order_pdf_name,
    render_document_pdf,
    write_order_pdf,
)
from app.errors import IntakeError
from app.intake.files import MAX_AMOUNT, import_files
from storage.db import open_database
from tests.docs_fixtures import mixed_order, set_up_shop
from tests.factories import order_doc, write_json
from tests.failure_helpers import one_line, tmpfs

ORDER = "6006f3a2-c1f882001c-52bb13-001"


def _fill(folder: Path) -> None:
    """Leave a few hundred bytes free on the tmpfs at `folder`."""
    try:
        with open(folder / "filler", "wb") as handle:
            while True:
                handle.write(b"\0" * 1024)
                handle.flush()
    except OSError:  # ENOSPC: full
        pass


def test_a_write_on_a_full_disk_leaves_no_temporary_file(
    run, seed_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run("import", str(seed_path)).returncode == 0
    with tmpfs(tmp_path / "full", "64k") as folder:
        _fill(folder)
        line = one_line(run("pdf", ORDER, "-o", str(folder)))
        assert line.startswith(f"comptoir: Impossible d'écrire {folder}/commande-"), line
        assert sorted(p.name for p in folder.iterdir()) == ["filler"]
        line = one_line(run("export", "--month", "2021-01", "-o", str(folder / "f.csv")))
        assert "Impossible d'écrire" in line
        assert sorted(p.name for p in folder.iterdir()) == ["filler"]


def test_a_hung_wkhtmltopdf_is_stopped(run, seed_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A fake wkhtmltopdf that never ends, and starts a child that never ends either."""
    assert run("import", str(seed_path)).returncode == 0
    fake = tmp_path / "bin"
    fake.mkdir()
    marker = f"{os.getpid() % 1000 + 7000}.25"
    script = fake / "wkhtmltopdf"
    script.write_text(f"#!/bin/sh\nsleep {marker} &\nsleep {marker}\n")
    script.chmod(0o755)
    start = time.monotonic()
    result = run(
        "pdf",
        ORDER,
        "-o",
        str(tmp_path / "out"),
        extra_env={"PATH": f"{fake}:{os.environ['PATH']}", "COMPTOIR_PDF_TIMEOUT_SECONDS": "2"},
    )
    elapsed = time.monotonic() - start
    assert one_line(result) == (
        "comptoir: wkhtmltopdf n'a pas fini en 2 s : arrêté, aucun PDF écrit (pdf_timeout_seconds)."
    )
    assert elapsed < 20, elapsed
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    assert left.stdout.strip() == "", "wkhtmltopdf's children outlived it"


@pytest.mark.parametrize(
    "numbers",
    [("A/1", "A_1"), ("A/1", "A:1"), ("é-1", "e-1"), ("x.", "x"), ("_a", "a")],
)
def test_numbers_that_fold_alike_get_their_own_files(numbers: tuple[str, str]) -> None:
    names = {order_pdf_name(n) for n in numbers}
    assert len(names) == 2, names
    assert order_pdf_name("A_1") == "commande-A_1.pdf"  # a name that needs nothing stays
    assert re.fullmatch(r"commande-A_1~[0-9a-f]{10}\.pdf", order_pdf_name("A/1"))
    assert document_pdf_name("F2021-000001") == "facture-F2021-000001.pdf"


def test_two_such_orders_do_not_overwrite_each_other(
    db: str, config: Config, tmp_path: Path
) -> None:
    docs = [order_doc(number="B/7"), order_doc(number="B_7")]
    import_files([write_json(tmp_path / "in.json", docs)], config=config)
    (tmp_path / "out").mkdir()
    first = write_order_pdf("B/7", tmp_path / "out")
    second = write_order_pdf("B_7", tmp_path / "out")
    assert first != second and first.exists() and second.exists()
    assert len(list((tmp_path / "out").iterdir())) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total", "92233720368547758.07"),
        ("unit_price", "92233720368547758.07"),
        ("shipping_fee", "1000000.01"),
        ("quantity", 100_000),  # 100 000 × 1 000 000,00 €: each allowed, not their product
    ],
)
def test_amounts_above_the_bound_are_refused_at_intake(
    db: str, config: Config, tmp_path: Path, field: str, value: object
) -> None:
    doc = order_doc(number="BIG-1")
    line = doc["lines"][0]
    if field == "total":
        line["unit_price"] = doc["total"] = value
    elif field == "unit_price":
        line["unit_price"] = value
        doc["total"] = value
    elif field == "shipping_fee":
        doc["fulfilment"]["shipping_fee"] = value
        doc["total"] = str(Decimal(value) + 1)
    else:
        line["unit_price"] = str(MAX_AMOUNT)
        line["quantity"] = value
        doc["total"] = str(MAX_AMOUNT * value)
    with pytest.raises(IntakeError, match="le plus grand montant qu'une commande peut porter"):
        import_files([write_json(tmp_path / "in.json", doc)], config=config)


def test_a_month_of_orders_at_the_bound_still_sums(db: str, config: Config, tmp_path: Path) -> None:
    from app.orders.month import month_view

    top = str(MAX_AMOUNT)
    docs = []
    for i in range(3):
        doc = order_doc(number=f"TOP-{i}", placed_at="2021-01-19T10:00:00+01:00", total=top)
        doc["lines"][0]["unit_price"] = top
        docs.append(doc)
    import_files([write_json(tmp_path / "in.json", docs)], config=config)
    view = month_view(2021, 1)
    assert view.total == MAX_AMOUNT * 3


def test_a_long_unbroken_product_name_stays_on_the_page(
    sqlite_url: str, config: Config, tmp_path: Path
) -> None:
    open_database(sqlite_url)
    long_name = "Thé" + "X" * 147
    doc = mixed_order()
    doc["lines"][0]["product"] = long_name
    set_up_shop(tmp_path, config, doc)
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(render_document_pdf(invoice_of(doc["number"]).number))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    assert words
    off = [(text, float(x)) for x, text in words if float(x) > page_width - 20]
    assert off == [], f"past the right margin of {page_width}: {off[:5]}"
    # every amount column of the long line is on the page: 15,00 € (its total) and its VAT
    texts = [text for _, text in words]
    assert "15,00" in texts and "5,50%" in " ".join(texts).replace(" %", "%")
    assert long_name in "".join(texts)  # the name itself is shown (wrapped), not dropped
