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
from email import message_from_bytes
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import default
from pathlib import Path
from typing import Any

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
    from app.messages.capture import free_port

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
    from storage.db import open_database

    db = open_database(url)
    add_orders(orders)
    add_due(mails)
    db.close()


def add_orders(orders: int) -> None:
    from app.config import Config
    from app.intake.files import import_drafts, parse_document
    from tests.factories import order_doc

    docs = []
    for i in range(orders):
        doc = order_doc(number=f"B-{i:06d}")
        doc["customer"] = {k: v for k, v in doc["customer"].items() if k != "mobile"}
        docs.append(doc)
    import_drafts(parse_document(docs), config=Config(undo_seconds=0))


def add_due(mails: int) -> None:
    """Replace the outbox by `mails` due customer status mails over the existing orders."""
    from app.clock import utcnow
    from storage.db import write_transaction
    from storage.models import Notification, Order

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


def outbox_jobs() -> list[Any]:
    """The outbox's rows as the notifier's jobs, read without claiming them."""
    from app.messages.render import Job
    from app.orders.view import order_views
    from storage.models import Notification

    rows = list(Notification.select().order_by(Notification.id))
    orders = order_views(row.order_id for row in rows)
    return [
        Job(
            id=row.id,
            audience=row.audience,
            channel="mail",
            template=row.template,
            order_status=row.order_status,
            lang=row.lang,
            recipient=row.recipient,
            attempts=0,
            order=orders[row.order_id],
        )
        for row in rows
    ]


async def render_loop(smtp_url: str, jobs: list[Any]) -> float:
    """A bare aiosmtplib loop on one connection that renders each mail as the notifier
    does (same templates, same MIME) but with no outbox: no claim, lease nor marks."""
    import aiosmtplib

    from app.messages.render import ShopView, build_mail
    from app.messages.senders import parse_smtp_url

    settings = parse_smtp_url(smtp_url)
    shop = ShopView("Épicerie", "", "")
    smtp = aiosmtplib.SMTP(hostname=settings.hostname, port=settings.port, start_tls=False)
    started = time.perf_counter()
    await smtp.connect()
    for job in jobs:
        message = build_mail(
            job, shop, recipient=job.recipient, mail_from="boutique@example.org", timezone="UTC"
        )
        await smtp.send_message(message, recipients=[job.recipient])
    await smtp.quit()
    return time.perf_counter() - started


def sample_parts() -> tuple[str, str, str]:
    """Subject, text and HTML of a real status mail, for the raw loop to send."""
    from app.messages.render import ShopView, build_mail

    message = build_mail(
        outbox_jobs()[0],
        ShopView("Épicerie", "", ""),
        recipient="x@example.org",
        mail_from="a@b",
        timezone="UTC",
    )
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return str(parsed["Subject"]), text, html


async def raw_loop(
    smtp_url: str, count: int, parts: tuple[str, str, str], *, compat32: bool = False
) -> float:
    """A bare aiosmtplib loop on one connection: the reference. Returns seconds.

    The message is built with `EmailMessage` (the email package's modern API) or, with
    `compat32`, with the MIME classes the notifier itself uses.
    """
    import aiosmtplib

    from app.messages.senders import parse_smtp_url

    settings = parse_smtp_url(smtp_url)
    subject, text, html = parts
    smtp = aiosmtplib.SMTP(hostname=settings.hostname, port=settings.port, start_tls=False)
    started = time.perf_counter()
    await smtp.connect()
    for i in range(count):
        message: Message
        if compat32:
            message = MIMEMultipart(
                "alternative",
                boundary=f"=_raw_{i}",
                _subparts=[MIMEText(text, "plain", "utf-8"), MIMEText(html, "html", "utf-8")],
            )
            message["Subject"] = Header(subject, "utf-8")
        else:
            message = EmailMessage()
            message["Subject"] = subject
            message.set_content(text)
            message.add_alternative(html, subtype="html")
        message["From"] = "boutique@example.org"
        message["To"] = f"client{i}@example.org"
        message["Message-ID"] = f"<raw-{i}@comptoir>"
        await smtp.send_message(message)
    await smtp.quit()
    return time.perf_counter() - started


def notifier_drain(config: Any, count: int) -> float:
    """Drain the outbox (holding `count` due mails) with a Notifier. Returns seconds."""
    from app.messages.notifier import Notifier

    started = time.perf_counter()
    result = asyncio.run(Notifier(config, "bench").drain(retry_wait=0))
    elapsed = time.perf_counter() - started
    if result.sent != count or not result.ok:
        raise SystemExit(f"the drain did not send everything: {result}")
    return elapsed


def compare(db_url: str, smtp_url: str, mails: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Alternate notifier and raw rounds (the machine's load drifts); mails/s and CPU ms/mail."""
    from app.config import Config
    from storage.db import open_database

    config = Config(smtp_url=smtp_url, mail_from="boutique@example.org", timezone="UTC")
    open_database(db_url)
    add_orders(500)
    add_due(1)
    parts = sample_parts()
    per_round = mails // rounds
    wall = {"notifier": 0.0, "raw": 0.0, "raw32": 0.0, "render": 0.0}
    cpu = {"notifier": 0.0, "raw": 0.0, "raw32": 0.0, "render": 0.0}
    for _ in range(rounds):
        add_due(per_round)
        jobs = outbox_jobs()
        cpu_start = time.process_time()
        wall["notifier"] += notifier_drain(config, per_round)
        cpu["notifier"] += time.process_time() - cpu_start
        cpu_start = time.process_time()
        wall["raw"] += asyncio.run(raw_loop(smtp_url, per_round, parts))
        cpu["raw"] += time.process_time() - cpu_start
        cpu_start = time.process_time()
        wall["raw32"] += asyncio.run(raw_loop(smtp_url, per_round, parts, compat32=True))
        cpu["raw32"] += time.process_time() - cpu_start
        cpu_start = time.process_time()
        wall["render"] += asyncio.run(render_loop(smtp_url, jobs))
        cpu["render"] += time.process_time() - cpu_start
    sent = per_round * rounds
    return {name: (sent / wall[name], cpu[name] / sent * 1000) for name in wall}


def _rss_kib() -> int:
    """The resident memory of this process now (Linux), in KiB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def memory_child(db_url: str, smtp_url: str) -> None:
    """Run in a fresh process: drain, sampling the resident memory (KiB) as it goes."""
    import threading

    from app.config import Config
    from app.messages.notifier import Notifier
    from storage.db import open_database

    config = Config(smtp_url=smtp_url, mail_from="boutique@example.org", timezone="UTC")
    open_database(db_url)
    import app.messages.render  # noqa: F401 - loaded before the baseline is taken

    samples = [_rss_kib()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            samples.append(_rss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    result = asyncio.run(Notifier(config, "bench-memory").drain(retry_wait=0))
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    samples.append(_rss_kib())
    print(
        json.dumps(
            {
                "start": samples[0],
                "peak": max(samples),
                "end": samples[-1],
                "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "sent": result.sent,
                "s": elapsed,
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notifier", description=__doc__)
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5, help="alternated rounds (default 5)")
    parser.add_argument("--memory-mails", type=int, default=50_000)
    parser.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a URL")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("COMPTOIR_HOME", tempfile.mkdtemp(prefix="comptoir-bench-"))

    server, smtp_url = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="comptoir-bench-") as tmp:
            db_url = args.db if args.db != "sqlite" else f"sqlite:///{tmp}/rate.sqlite3"
            figures = compare(db_url, smtp_url, args.mails, args.rounds)
            names = {
                "notifier": "notifier drain",
                "raw": "raw loop, EmailMessage",
                "raw32": "raw loop, compat32 MIME",
                "render": "raw loop + templates",
            }
            for key, label in names.items():
                rate, cpu = figures[key]
                print(
                    f"{label:<24}: {args.mails} mails, {rate:6.0f} mails/s, {cpu:.2f} ms CPU/mail"
                )
            ours = figures["notifier"][0]
            print(
                f"ratio (goal >= 0.80)    : {ours / figures['raw'][0]:.2f} against EmailMessage, "
                f"{ours / figures['raw32'][0]:.2f} against the same MIME classes, "
                f"{ours / figures['render'][0]:.2f} against the loop rendering the same mails"
            )

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
                mib = {k: figures[k] / 1024 for k in ("start", "peak", "end", "maxrss")}
                print(
                    f"memory                  : {figures['sent']} mails drained in "
                    f"{figures['s']:.0f} s; resident {mib['start']:.1f} MiB at the start, "
                    f"{mib['peak']:.1f} MiB at most while draining "
                    f"(+{mib['peak'] - mib['start']:.1f} MiB), {mib['end']:.1f} MiB at the end; "
                    f"process peak (ru_maxrss) {mib['maxrss']:.1f} MiB"
                )
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
