"""Benchmark of the notifier: mails per second against a raw aiosmtplib loop, and memory.

    python -m bench.notifier [--mails 5000] [--memory-mails 50000] [--db sqlite|URL]

1. Drains MAILS due mails from the outbox to a local aiosmtpd (in its own process, so
   that the server's work does not compete for this process's GIL), then sends as many
   comparable mails (same text and HTML, fresh MIME message each) with a bare aiosmtplib
   loop on one connection to the same server, and prints both rates and their ratio
   (goal: at least 0.8).
2. Drains MEMORY_MAILS due mails in a fresh process and prints its peak resident memory
   before and during the drain (ru_maxrss).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER = r"""
import sys, time
from aiosmtpd.controller import Controller

class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def start_server() -> tuple[subprocess.Popen[str], str]:
    from app.notifier.capture import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise SystemExit("the benchmark's SMTP server did not start")
    return process, f"smtp://127.0.0.1:{port}"


def fill_outbox(url: str, mails: int, orders: int = 500) -> None:
    """`orders` real orders (through intake), then `mails` due customer status mails."""
    from app.config import Config
    from app.intake import import_drafts, parse_document
    from storage.db import open_database, write_transaction
    from storage.migrations import utcnow
    from storage.models import Notification, Order
    from tests.factories import order_doc

    db = open_database(url)
    docs = []
    for i in range(orders):
        doc = order_doc(number=f"B-{i:06d}")
        doc["customer"] = {k: v for k, v in doc["customer"].items() if k != "mobile"}
        docs.append(doc)
    import_drafts(parse_document(docs), config=Config(undo_seconds=0))
    now = utcnow()
    order_ids = [o for (o,) in Order.select(Order.id).tuples()]
    statuses = ("confirming", "processing", "ready", "in_delivery", "finished")
    with write_transaction():
        Notification.delete().execute()
        rows = [
            {
                "order": order_ids[i % len(order_ids)],
                "audience": "customer",
                "channel": "mail",
                "template": "status",
                "order_status": statuses[i % len(statuses)],
                "lang": "fr",
                "recipient": f"client{i}@example.org",
                "state": "pending",
                "due_at": now,
                "created_at": now,
            }
            for i in range(mails)
        ]
        for start in range(0, len(rows), 500):
            Notification.insert_many(rows[start : start + 500]).execute()
    db.close()


def sample_parts() -> tuple[str, str, str]:
    """Subject, text and HTML of a real status mail, for the raw loop to send."""
    from app.notifier.render import Job, ShopView, build_mail
    from app.notifier.worker import _order_views
    from storage.models import Notification

    row = Notification.get()
    job = Job(
        id=row.id,
        audience=row.audience,
        channel="mail",
        template="status",
        order_status=row.order_status,
        lang="fr",
        recipient=row.recipient,
        attempts=0,
        order=_order_views({row.order_id})[row.order_id],
    )
    message = build_mail(
        job,
        ShopView("Épicerie", "", ""),
        recipient="x@example.org",
        mail_from="a@b",
        timezone="UTC",
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return str(message["Subject"]), text, html


async def raw_loop(smtp_url: str, count: int, parts: tuple[str, str, str]) -> float:
    """A bare aiosmtplib loop on one connection: the reference rate (mails/s)."""
    import aiosmtplib

    from app.notifier.senders import parse_smtp_url

    settings = parse_smtp_url(smtp_url)
    subject, text, html = parts
    smtp = aiosmtplib.SMTP(hostname=settings.hostname, port=settings.port, start_tls=False)
    started = time.perf_counter()
    await smtp.connect()
    for i in range(count):
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = "boutique@example.org"
        message["To"] = f"client{i}@example.org"
        message["Message-ID"] = f"<raw-{i}@comptoir>"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        await smtp.send_message(message)
    await smtp.quit()
    return count / (time.perf_counter() - started)


def notifier_rate(db_url: str, smtp_url: str, count: int) -> float:
    from app.config import Config
    from app.notifier import Notifier
    from storage.db import open_database

    config = Config(smtp_url=smtp_url, mail_from="boutique@example.org", timezone="UTC")
    open_database(db_url)
    started = time.perf_counter()
    result = asyncio.run(Notifier(config, "bench").drain(retry_wait=0))
    elapsed = time.perf_counter() - started
    if result.sent != count or not result.ok:
        raise SystemExit(f"the drain did not send everything: {result}")
    return count / elapsed


def memory_child(db_url: str, smtp_url: str) -> None:
    """Run in a fresh process: drain and report peak RSS before and after (KiB)."""
    from app.config import Config
    from app.notifier import Notifier
    from storage.db import open_database

    config = Config(smtp_url=smtp_url, mail_from="boutique@example.org", timezone="UTC")
    open_database(db_url)
    import app.notifier.render  # noqa: F401 - loaded before the baseline is taken

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = asyncio.run(Notifier(config, "bench-memory").drain(retry_wait=0))
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before": before, "after": after, "sent": result.sent, "s": elapsed}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notifier", description=__doc__)
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--memory-mails", type=int, default=50_000)
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a URL")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("COMPTOIR_HOME", tempfile.mkdtemp(prefix="comptoir-bench-"))

    server, smtp_url = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="comptoir-bench-") as tmp:
            db_url = args.db if args.db != "sqlite" else f"sqlite:///{tmp}/rate.sqlite3"
            fill_outbox(db_url, args.mails)
            rate = notifier_rate(db_url, smtp_url, args.mails)
            raw = asyncio.run(raw_loop(smtp_url, args.mails, sample_parts()))
            print(f"notifier drain : {args.mails} mails, {rate:8.0f} mails/s")
            print(f"raw aiosmtplib : {args.mails} mails, {raw:8.0f} mails/s")
            print(f"ratio          : {rate / raw:.2f} (goal >= 0.80)")

            if args.memory_mails:
                mem_url = args.db if args.db != "sqlite" else f"sqlite:///{tmp}/memory.sqlite3"
                fill_outbox(mem_url, args.memory_mails)
                child = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import sys; from bench.notifier import memory_child; "
                        "memory_child(sys.argv[1], sys.argv[2])",
                        mem_url,
                        smtp_url,
                    ],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures = json.loads(child.stdout.strip().splitlines()[-1])
                print(
                    f"memory         : {figures['sent']} mails drained in {figures['s']:.0f} s; "
                    f"peak RSS {figures['before'] / 1024:.0f} MiB before, "
                    f"{figures['after'] / 1024:.0f} MiB at the end "
                    f"(+{(figures['after'] - figures['before']) / 1024:.1f} MiB)"
                )
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
