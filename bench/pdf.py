"""PDF benchmark: our order PDF against the raw wkhtmltopdf call, then a month of invoices.

    python -m bench.pdf [--count 1000] [--repeat 9] [--workers N]

Runs on a throwaway SQLite database under a temporary COMPTOIR_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path


def _orders(count: int) -> list[dict[str, object]]:
    """`count` January 2021 orders, a few lines each, spread over the month."""
    start = datetime(2021, 1, 1, 8, 0, tzinfo=UTC)
    step = timedelta(minutes=(31 * 24 * 60 - 16 * 60) / max(count, 1))
    orders = []
    for i in range(count):
        lines = [
            {
                "product": f"Thé n° {i % 37}",
                "category": "Thé",
                "seller": "Point d'activité",
                "unit_price": "4.50",
                "quantity": 1 + i % 3,
                "vat_rate": "5.50",
            },
            {
                "product": "Théière en fonte",
                "category": "Accessoires",
                "seller": "Point d'activité",
                "unit_price": "29.90",
                "quantity": 1,
                "vat_rate": "20.00",
            },
        ]
        total = sum(
            (Decimal(str(line["unit_price"])) * int(str(line["quantity"])) for line in lines),
            start=Decimal("4.90"),
        )
        orders.append(
            {
                "number": f"B-{i:05d}",
                "placed_at": (start + step * i).isoformat(),
                "customer": {
                    "name": f"Client {i}",
                    "email": f"client{i}@example.org",
                    "address": f"{1 + i % 90} rue de la Paix, 69002 Lyon",
                },
                "fulfilment": {"mode": "delivery", "details": "Livraison", "shipping_fee": "4.90"},
                "lines": lines,
                "total": f"{total:.2f}",
                "payment": "ok",
            }
        )
    return orders


def _bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // total if total else width
    end = "\n" if done >= total else ""
    print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="invoices in the month")
    parser.add_argument("--repeat", type=int, default=9, help="runs of the single-order test")
    parser.add_argument("--workers", type=int, default=None, help="default: the CPU count")
    parser.add_argument("--keep", action="store_true", help="keep the database and PDFs")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="comptoir-bench-pdf-"))
    os.environ["COMPTOIR_HOME"] = str(home)
    from app.config import Config
    from app.documents.pdf import command_line, wkhtmltopdf_path
    from app.documents.render import order_html, render_month, render_order_pdf
    from app.intake.files import import_files
    from app.shop.profile import save_profile
    from storage.db import open_database

    config = Config()
    open_database(f"sqlite:///{home / 'bench.sqlite3'}", timezone=config.timezone)
    save_profile(
        name="Épicerie Fine du Marché",
        address="3 rue de la République, 69001 Lyon",
        siret="73282932000074",
        vat_number="FR44732829320",
        iban="FR1420041010050500013M02606",
    )
    source = home / "orders.json"
    source.write_text(json.dumps(_orders(args.count), ensure_ascii=False), encoding="utf-8")
    started = time.perf_counter()
    import_files([source], config=config)
    print(f"set-up: {args.count} orders imported in {time.perf_counter() - started:.1f} s")

    # 1. One order PDF: render_order_pdf (DB read + Jinja2 + pdfkit) against wkhtmltopdf alone
    #    on the same HTML, with the same options; runs interleaved so load hits both alike.
    number = "B-00000"
    html_file = home / "order.html"
    html_file.write_text(order_html(number), encoding="utf-8")
    raw_cmd = command_line(wkhtmltopdf_path(), str(html_file), str(home / "raw.pdf"))
    ours: list[float] = []
    raw: list[float] = []
    render_order_pdf(number)  # warm-up: imports, template compilation, disk cache
    for _ in range(args.repeat):
        t = time.perf_counter()
        render_order_pdf(number)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(raw_cmd, capture_output=True, check=False)
        raw.append(time.perf_counter() - t)
    ours_med, raw_med = statistics.median(ours), statistics.median(raw)
    ratio = ours_med / raw_med
    print(
        f"one order PDF (median of {args.repeat}): ours {ours_med * 1000:.0f} ms, "
        f"raw wkhtmltopdf {raw_med * 1000:.0f} ms, ratio {ratio:.2f}x "
        f"({'within' if ratio <= 1.2 else 'OVER'} the 1.2x goal)"
    )

    # 2. A month of invoices with every core busy.
    workers = args.workers or os.cpu_count() or 2
    print(f"month of invoices, {workers} wkhtmltopdf processes at a time:")
    started = time.perf_counter()
    paths = render_month(2021, 1, progress=_bar, folder=home / "month", workers=workers)
    elapsed = time.perf_counter() - started
    print(
        f"{len(paths)} invoices in {elapsed:.1f} s: {elapsed / max(len(paths), 1) * 1000:.0f} ms "
        f"per document, {len(paths) / elapsed:.1f} documents/s"
    )
    if args.keep:
        print(f"(files under {home})")
    else:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
