"""`comptoir worker` as real processes on one database (SQLite and PostgreSQL): several
notifiers never send a message twice, and one killed mid-batch loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.config import Config
from app.intake.files import import_drafts, parse_document
from app.messages.states import NotificationState as N
from app.shop.profile import save_profile
from storage.models import Notification
from tests.factories import order_doc
from tests.notifier_servers import Recorder, SlowSmtp, SmtpServer

ROOT = Path(__file__).resolve().parents[1]


def due_mails(orders: int) -> int:
    """`orders` orders without mobile, the seller's profile complete: two mails each."""
    save_profile(name="Épicerie Fine", email="vendeur@example.org")
    docs = []
    for i in range(orders):
        doc = order_doc(number=f"P-{i:05d}")
        doc["customer"] = {k: v for k, v in doc["customer"].items() if k != "mobile"}
        docs.append(doc)
    import_drafts(parse_document(docs), config=Config(undo_seconds=0))
    return Notification.select().where(Notification.state == N.PENDING).count()


def worker(db: str, smtp_url: str, lease: float = 30.0, batch: int = 100) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "COMPTOIR_SMTP_URL": smtp_url,
        "COMPTOIR_NOTIFY_LEASE_SECONDS": str(lease),
        "COMPTOIR_NOTIFY_RETRY_SECONDS": "0.05",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app", "worker", "--drain", "--db", db, "--batch", str(batch)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=180)
    return process.returncode, out + err


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_two_workers_deliver_each_message_exactly_once(db: str) -> None:
    total = due_mails(100)
    assert total == 200
    # Small batches and a slightly slow server keep both workers claiming at the same time.
    with SmtpServer(Recorder(delay=0.005)) as server:
        first, second = worker(db, server.url, batch=7), worker(db, server.url, batch=7)
        results = [finish(first), finish(second)]
        ids = server.recorder.message_ids()
    for code, output in results:
        assert code == 0, output
        assert "en attente : 0" in output
    assert len(ids) == 200 and set(ids.values()) == {1}
    expected = {f"<notif-{n.id}.{n.order.number}@comptoir>" for n in Notification.select()}
    assert set(ids) == expected
    assert Notification.select().where(Notification.state != N.SENT).count() == 0


def test_three_workers_a_slow_server_and_a_short_lease_send_each_mail_once(db: str) -> None:
    """Issue 10 item 2: each message takes longer on the wire (6 replies of 0.4 s) than the
    lease (2 s); the lease is renewed while it is sent, so no worker takes it over."""
    total = due_mails(2)
    with SlowSmtp(delay=0.4) as server:
        workers = [worker(db, server.url, lease=2.0, batch=1) for _ in range(3)]
        results = [finish(w) for w in workers]
        ids = server.message_ids()
    for code, output in results:
        assert code == 0, output
    assert len(ids) == total and set(ids.values()) == {1}, ids
    rows = list(Notification.select())
    assert {n.state for n in rows} == {N.SENT} and {n.attempts for n in rows} == {1}


def test_a_worker_killed_mid_batch_is_resumed_after_its_lease(db: str) -> None:
    total = due_mails(15)
    recorder = Recorder(delay=0.3)
    with SmtpServer(recorder) as server:
        doomed = worker(db, server.url, lease=2.0)
        wait_for(lambda: recorder.count() >= 3, "the first mails")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
        recorder.delay = 0
        code, output = finish(worker(db, server.url, lease=2.0))
        ids = recorder.message_ids()
    assert code == 0, output
    expected = {f"<notif-{n.id}.{n.order.number}@comptoir>" for n in Notification.select()}
    assert set(ids) == expected and len(expected) == total  # none lost
    twice = [mid for mid, count in ids.items() if count > 1]
    assert len(twice) <= 1 and max(ids.values()) <= 2  # only the one in flight, same ID
    assert Notification.select().where(Notification.state != N.SENT).count() == 0


def test_worker_drain_in_a_shop_without_sms_skips_them_and_exits_0(db: str) -> None:
    """Issue 10 item 8: SMS without Vonage are recorded as not sent, never sent later and
    never left over, so a cron job's `--drain` succeeds at every run."""
    save_profile(name="Épicerie Fine", email="vendeur@example.org", mobile="+33 6 11 22 33 44")
    import_drafts(parse_document([order_doc(number="P-00001")]), config=Config(undo_seconds=0))
    # The customer's mail and SMS, the seller's mail and SMS.
    assert Notification.select().where(Notification.state == N.PENDING).count() == 4
    with SmtpServer() as server:
        outputs = []
        for _run in range(2):  # the second run finds nothing to do, and says so with 0
            code, output = finish(worker(db, server.url))
            assert code == 0, output
            assert "en attente : 0" in output and "Traceback" not in output
            outputs.append(output)
        assert server.recorder.count() == 2
    assert "non envoyés (canal non configuré) : 2" in outputs[0]
    assert "Envoyés : 0" in outputs[1] and "non envoyés (canal non configuré) : 0" in outputs[1]
    rows = {(n.audience, n.channel): n for n in Notification.select()}
    assert {k: r.state for k, r in rows.items()} == {
        ("customer", "mail"): N.SENT,
        ("seller", "mail"): N.SENT,
        ("customer", "sms"): N.SKIPPED,
        ("seller", "sms"): N.SKIPPED,
    }
    assert "SMS non configurés" in rows["customer", "sms"].last_error
