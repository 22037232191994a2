"""The notifier against real servers on 127.0.0.1 (aiosmtpd, a Vonage-like HTTPS server),
on SQLite and on the suite's PostgreSQL."""

from __future__ import annotations

import asyncio
import mailbox
import ssl
import subprocess
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme

from app.clock import utcnow
from app.config import Config
from app.errors import ConfigError
from app.intake.files import import_drafts, parse_document
from app.messages.capture import MailCapture, free_port
from app.messages.notifier import Notifier
from app.messages.outbox import resend
from app.messages.render import GSM_BASIC, GSM_EXTENDED, gsm_length
from app.messages.senders import parse_smtp_url
from app.messages.states import NotificationState as N
from app.orders.rules import change_status, undo_change
from app.orders.statuses import OrderStatus as S
from app.shop.profile import save_profile
from storage.db import write_transaction
from storage.models import Notification
from tests.factories import order_doc
from tests.notifier_servers import Recorder, SmtpServer, VonageStub

FAST = {"notify_retry_seconds": 0.01, "notify_lease_seconds": 30.0}


def make_config(**values: Any) -> Config:
    base: dict[str, Any] = {"undo_seconds": 0, "mail_from": "boutique@example.org", **FAST}
    base.update(values)
    return Config(**base)


def add_orders(config: Config, *docs: dict[str, Any], seller: bool = False) -> None:
    """Import orders; without `seller`, drop the seller's alerts to count customer mails."""
    import_drafts(parse_document(list(docs)), config=config)
    if not seller:
        with write_transaction():
            Notification.delete().where(Notification.audience == "seller").execute()


def no_mobile(number: str = "T-0001", **changes: Any) -> dict[str, Any]:
    doc = order_doc(number=number, **changes)
    doc["customer"] = {k: v for k, v in doc["customer"].items() if k != "mobile"}
    return doc


def states() -> dict[str, int]:
    out: dict[str, int] = {}
    for n in Notification.select():
        out[n.state] = out.get(n.state, 0) + 1
    return out


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


async def drain(config: Config, **kwargs: Any) -> Any:
    return await Notifier(config, "test-notifier", **kwargs).drain(retry_wait=5)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def trust_ca(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The clients (aiosmtplib's default context, requests) trust the test CA."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pem))
    return pem


# -- mail content ---------------------------------------------------------------------------


async def test_status_mails_go_out_with_tracker_text_and_html(db: str) -> None:
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        save_profile(name="Épicerie Fine", email="vendeur@example.org")
        add_orders(config, no_mobile(), seller=True)
        change_status("T-0001", S.PROCESSING, config=config, by="Léa")
        result = await drain(config)
        assert result.ok and result.sent == 3
        received = {str(m["Subject"]): m for m in server.recorder.received}
    assert states() == {N.SENT: 3}
    processing = next(m for s, m in received.items() if "En cours de traitement" in s)
    assert processing["To"] == "hugo.bernard@example.org"
    # From the shop by its name (the configured address), answers to the profile's mail.
    assert processing["From"] == "Épicerie Fine <boutique@example.org>"
    assert processing["Reply-To"] == "vendeur@example.org"
    row = Notification.get(Notification.order_status == "processing")
    assert processing["Message-ID"] == f"<notif-{row.id}.T-0001@comptoir>"
    assert row.attempts == 1 and row.sent_at is not None and row.last_error is None
    text, html = parts(processing)
    # The tracker: done steps, the current one highlighted, the rest to come.
    assert "✓ Commande Enregistrée" in text and "✓ Confirmation en cours" in text
    assert "[ En cours de traitement ]" in text and "· Commande prête" in text
    assert 'class="step step-current"' in html
    current = html.split('class="step step-current"')[1].split("</td>")[0]
    assert "En cours de traitement" in current
    assert html.count("step-done") == 2 and html.count("step-todo") == 3
    assert "Thé vert Sencha" in html and "1,00 €" in html and "5,50 %" in html


async def test_seller_new_order_mail_holds_the_summary_table(db: str) -> None:
    doc = no_mobile(
        "5fec417c-c1f882001c-318c84-001",
        lines=[
            {
                "product": "Thé de Noël",
                "category": "Thé",
                "seller": "Point d'activité",
                "unit_price": "1.00",
                "quantity": 2,
                "vat_rate": "20.00",
            }
        ],
        total="2.00",
    )
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        save_profile(name="Épicerie Fine", email="vendeur@example.org")
        add_orders(config, doc, seller=True)
        assert (await drain(config)).ok
        seller = next(m for m in server.recorder.received if m["To"] == "vendeur@example.org")
    text, html = parts(seller)
    for header in ("N° Commande", "Client", "Total", "Livraison", "Statut"):
        assert f">{header}</th>" in html
    for header in ("Prix unitaire", "Quantité", "TVA"):
        assert header in html and header in text
    assert "5fec417c-c1f882001c-318c84-001" in str(seller["Subject"])
    assert "Retrait" in html and "Commande Enregistrée" in html
    assert "2,00 €" in html and "20,00 %" in html and "Thé de Noël" in html
    assert "comptoir --order 5fec417c-c1f882001c-318c84-001" in text
    assert "comptoir --order 5fec417c-c1f882001c-318c84-001" in html
    row = Notification.get(Notification.audience == "seller")
    assert row.recipient == "vendeur@example.org"  # read from the profile when sent
    # The order's PDF, made by app.documents (wkhtmltopdf), is attached.
    [pdf] = list(seller.iter_attachments())
    assert pdf.get_filename() == "commande-5fec417c-c1f882001c-318c84-001.pdf"
    assert pdf.get_content().startswith(b"%PDF")


async def test_mails_are_written_in_the_notifications_language(db: str) -> None:
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url, lang="en")
        save_profile(name="Shop", email="seller@example.org")
        add_orders(config, no_mobile(), seller=True)
        assert (await drain(config)).ok
        by_to = {m["To"]: m for m in server.recorder.received}
    text, html = parts(by_to["hugo.bernard@example.org"])
    assert "Hello Hugo Bernard," in text and "Order registered" in html
    assert "€1.00" in html
    _, seller_html = parts(by_to["seller@example.org"])
    assert ">Order No.</th>" in seller_html and ">Unit price</th>" in seller_html


async def test_order_text_is_escaped_in_html(db: str) -> None:
    evil_name = '<script>alert("x")</script> Eve'
    evil_product = "<img src=x onerror=alert(1)>"
    doc = no_mobile(
        customer={"name": evil_name, "email": "eve@example.org", "address": "<b>1 rue</b>"},
        lines=[
            {
                "product": evil_product,
                "category": "Thé",
                "seller": "Point d'activité",
                "unit_price": "1.00",
                "quantity": 1,
                "vat_rate": "5.50",
            }
        ],
    )
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        save_profile(name="Shop", email="seller@example.org")
        add_orders(config, doc, seller=True)
        assert (await drain(config)).ok
        messages = list(server.recorder.received)
    assert len(messages) == 2
    for message in messages:
        text, html = parts(message)
        assert "<script>" not in html and "<img src=x" not in html and "<b>1 rue" not in html
        assert "&lt;script&gt;" in html
        assert evil_name in text  # plain text is not HTML: shown as typed
    seller_html = parts(next(m for m in messages if m["To"] == "seller@example.org"))[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in seller_html


# -- transports ------------------------------------------------------------------------------


async def test_starttls_with_auth(db: str, server_tls: ssl.SSLContext, trust_ca: Path) -> None:
    with SmtpServer(mode="starttls", tls=server_tls) as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, no_mobile())
        result = await drain(config)
        assert result.ok and result.sent == 1
        assert server.recorder.count() == 1


async def test_starttls_with_a_wrong_password_waits(
    db: str, server_tls: ssl.SSLContext, trust_ca: Path
) -> None:
    with SmtpServer(mode="starttls", tls=server_tls) as server:
        url = server.url.replace("s3cret", "wrong")
        config = make_config(smtp_url=url, notify_retry_seconds=60)
        add_orders(config, no_mobile())
        result = await drain(config)
        assert server.recorder.count() == 0
    assert result.pending == 1 and not result.ok
    row = Notification.get()
    assert row.state == N.PENDING and "535" in row.last_error


async def test_implicit_tls(db: str, server_tls: ssl.SSLContext, trust_ca: Path) -> None:
    with SmtpServer(mode="smtps", tls=server_tls) as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, no_mobile())
        assert (await drain(config)).ok
        assert server.recorder.count() == 1


async def test_one_connection_serves_a_batch(db: str) -> None:
    sessions: list[object] = []

    class Counting(Recorder):
        async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
            sessions.append(session)
            session.host_name = hostname
            return responses

    with SmtpServer(Counting()) as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, *(no_mobile(f"T-{i:04d}") for i in range(10)))
        assert (await drain(config)).sent == 10
        assert server.recorder.count() == 10
    assert len(sessions) == 1


# -- failures --------------------------------------------------------------------------------


async def test_451_then_421_then_success_delivers_once(db: str) -> None:
    recorder = Recorder(["451 4.3.0 Try again later", "421 4.7.0 Busy, come back"])
    with SmtpServer(recorder) as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, no_mobile())
        result = await drain(config)
        assert result.ok and result.sent == 1 and result.retried == 2
        assert recorder.message_ids() == {f"<notif-{Notification.get().id}.T-0001@comptoir>": 1}
    row = Notification.get()
    assert row.state == N.SENT and row.attempts == 3


async def test_554_fails_after_one_attempt_with_the_servers_words(db: str) -> None:
    recorder = Recorder(["554 5.7.1 Message rejected as spam"])
    with SmtpServer(recorder) as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, no_mobile())
        result = await drain(config)
    assert result.failed == 1 and not result.ok and result.sent == 0
    row = Notification.get()
    assert row.state == N.FAILED and row.attempts == 1
    assert "554" in row.last_error and "Message rejected as spam" in row.last_error


async def test_refused_recipient_fails_and_the_next_one_goes(db: str) -> None:
    class Refusing(Recorder):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
            if address.startswith("nobody"):
                return "550 5.1.1 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    with SmtpServer(Refusing()) as server:
        config = make_config(smtp_url=server.url)
        bad = no_mobile("T-0001")
        bad["customer"]["email"] = "nobody@example.org"
        add_orders(config, bad, no_mobile("T-0002"))
        result = await drain(config)
        assert server.recorder.count() == 1
    assert result.failed == 1 and result.sent == 1
    failed = Notification.get(Notification.state == N.FAILED)
    assert "550" in failed.last_error and "No such user here" in failed.last_error


async def test_server_down_then_up_delivers(db: str) -> None:
    port = free_port()
    config = make_config(smtp_url=f"smtp://127.0.0.1:{port}", notify_retry_seconds=0.01)
    add_orders(config, no_mobile())
    down = await Notifier(config, "a").drain(retry_wait=0)
    # Nothing goes while the server is down; how many quick retries fit in depends on load.
    assert down.pending == 1 and down.sent == 0 and down.retried >= 1 and not down.ok
    row = Notification.get()
    assert row.state == N.PENDING and row.last_error
    with SmtpServer(port=port) as server:
        up = await Notifier(config, "b").drain(retry_wait=5)
        assert up.ok and up.sent == 1 and server.recorder.count() == 1


async def test_temporary_failures_give_up_after_the_last_attempt(db: str) -> None:
    recorder = Recorder(["450 4.2.1 Mailbox busy"] * 3)
    with SmtpServer(recorder) as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, no_mobile())
        result = await Notifier(config, "x", max_attempts=3).drain(retry_wait=5)
    row = Notification.get()
    assert row.state == N.FAILED and row.attempts == 3 and result.failed == 1
    assert "450" in row.last_error and "3" in row.last_error


# -- configuration ---------------------------------------------------------------------------


async def test_a_channel_without_configuration_is_skipped_never_sent_later(db: str) -> None:
    config = make_config()  # no SMTP URL
    add_orders(config, no_mobile(), seller=True)  # seller mail (profile empty) + customer mail
    result = await drain(config)
    # Nothing is left to send: a shop without a mail server is not a failure at every run.
    assert result.skipped == 2 and result.ok and result.pending == 0
    rows = {n.audience: n for n in Notification.select()}
    assert rows["customer"].state == N.SKIPPED
    assert "COMPTOIR_SMTP_URL" in rows["customer"].last_error
    with SmtpServer() as server:
        configured = make_config(smtp_url=server.url)
        save_profile(name="Shop", email="seller@example.org")
        result = await drain(configured)
        # Recorded as not sent: configuring the channel later does not send them by itself.
        assert result.sent == 0 and result.ok and server.recorder.count() == 0
        assert states() == {N.SKIPPED: 2}
        # Staff may still send one again by hand.
        resend(rows["customer"].id)
        result = await drain(configured)
        assert result.sent == 1 and [m["To"] for m in server.recorder.received] == [
            "hugo.bernard@example.org"
        ]


async def test_grace_period_is_waited_out_and_undo_withdraws(db: str) -> None:
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url, undo_seconds=0.3)
        add_orders(config, no_mobile("T-0001"), no_mobile("T-0002"))
        # The clock is given: on a slow machine the real one could pass the grace period
        # between two of these calls, and the undo would rightly be refused.
        now = utcnow()
        change_status("T-0001", S.CONFIRMING, config=config, now=now)
        undone = change_status("T-0002", S.CONFIRMING, config=config, now=now)
        undo_change(undone.change.id, config=config, now=now + timedelta(milliseconds=10))
        result = await drain(config)
        subjects = sorted(str(m["Subject"]) for m in server.recorder.received)
    assert result.ok and result.sent == 3
    assert sum("Confirmation en cours" in s for s in subjects) == 1
    assert Notification.get(Notification.state == N.WITHDRAWN).order.number == "T-0002"


def _status_lines(text: str) -> tuple[str, str]:
    """The status a status mail's heading announces, and the one its summary shows."""
    heading = text.split("est maintenant au statut :")[1].split(".\n")[0].strip()
    summary = text.split("Statut : ")[1].split("\n")[0].strip()
    return heading, summary


async def test_each_message_shows_the_order_as_it_was_at_its_change(db: str) -> None:
    """Issue 10 item 6: Confirmation then Terminé within the grace period: the customer gets
    one mail, for Terminé, whose heading and summary agree; the seller's new-order mail,
    sent after both changes, shows the order as it was at intake."""
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url, undo_seconds=0.5)
        save_profile(name="Shop", email="seller@example.org")
        add_orders(config, no_mobile(), seller=True)
        now = utcnow()  # both changes inside the grace period, however slow the machine
        change_status("T-0001", S.CONFIRMING, config=config, now=now)
        change_status("T-0001", S.FINISHED, config=config, now=now + timedelta(milliseconds=10))
        result = await drain(config)
        mails = list(server.recorder.received)
    assert result.ok and result.sent == 3
    customer = [m for m in mails if m["To"] == "hugo.bernard@example.org"]
    subjects = sorted(str(m["Subject"]).split("— ")[1] for m in customer)
    assert subjects == ["Commande Enregistrée", "Terminé"]  # no Confirmation mail
    for mail in customer:
        text, html = parts(mail)
        heading, summary = _status_lines(text)
        assert heading == summary == str(mail["Subject"]).split("— ")[1]
        assert html.count(heading) >= 2
    seller_text, _html = parts(next(m for m in mails if m["To"] == "seller@example.org"))
    assert "Statut : Commande Enregistrée" in seller_text
    superseded = Notification.get(Notification.order_status == "confirming")
    assert superseded.state == N.SUPERSEDED and superseded.sent_at is None


async def test_an_expired_lease_is_taken_over_and_a_live_one_is_not(db: str) -> None:
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, no_mobile("T-0001"), no_mobile("T-0002"))
        now = utcnow()
        with write_transaction():
            for number, until in (("T-0001", -60), ("T-0002", 60)):
                Notification.update(
                    state=N.SENDING,
                    lease_owner="dead-notifier",
                    lease_until=now + timedelta(seconds=until),
                    attempts=1,
                ).where(Notification.order_id.in_(_order_ids(number))).execute()
        handled = await Notifier(config, "alive").run_once()
        assert handled == 1
        assert [m["To"] for m in server.recorder.received] == ["hugo.bernard@example.org"]
    rows = {n.order.number: n for n in Notification.select()}
    assert rows["T-0001"].state == N.SENT and rows["T-0001"].attempts == 2
    assert rows["T-0002"].state == N.SENDING and rows["T-0002"].lease_owner == "dead-notifier"


def _order_ids(number: str) -> list[int]:
    from storage.models import Order

    return [o.id for o in Order.select().where(Order.number == number)]


async def test_a_notifier_that_lost_its_lease_does_not_mark(db: str) -> None:
    config = make_config(smtp_url="smtp://127.0.0.1:1")
    add_orders(config, no_mobile())
    mine = Notifier(config, "first")
    jobs, _shop, _until = mine.store.claim()
    assert len(jobs) == 1
    with write_transaction():
        Notification.update(lease_owner="second").execute()
    assert mine.store.mark(jobs[0].id, N.SENT, None, "x@example.org") is False
    assert Notification.get().state == N.SENDING


async def test_skipped_messages_between_sent_ones_are_all_marked_once(db: str) -> None:
    # Mail configured, SMS not: the skipped SMS are settled together with the mails sent,
    # each row once, and only the mails carry a sending time and a recipient.
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        add_orders(config, *(order_doc(number=f"T-000{i}") for i in (1, 2, 3)))
        result = await drain(config)
        assert server.recorder.count() == 3
    assert result.sent == 3 and result.skipped == 3 and result.ok and result.pending == 0
    rows = list(Notification.select())
    assert {(n.channel, n.state) for n in rows} == {("mail", N.SENT), ("sms", N.SKIPPED)}
    assert all(n.lease_until is None for n in rows)
    assert all((n.sent_at is not None) == (n.channel == "mail") for n in rows)
    assert all("COMPTOIR_VONAGE_API_KEY" in n.last_error for n in rows if n.channel == "sms")


# -- SMS -------------------------------------------------------------------------------------


def sms_config(stub: VonageStub, **values: Any) -> Config:
    return make_config(
        vonage_api_key="key123",
        vonage_api_secret="secret456",
        vonage_sms_from="Comptoir",
        vonage_rest_host=stub.host,
        **values,
    )


async def test_sms_to_the_customer_and_the_seller(
    db: str, server_tls: ssl.SSLContext, trust_ca: Path
) -> None:
    with VonageStub(server_tls) as stub:
        config = sms_config(stub)
        save_profile(name="Côté Thé", mobile="+33 6 11 22 33 44", email="")
        long_name = "Marie-Hélène de la Fontaine-Dupré " * 6
        doc = order_doc(customer={**order_doc()["customer"], "name": long_name})
        add_orders(config, doc, seller=True)
        result = await drain(config)
    assert result.sent == 2  # the two SMS; both mails are skipped: no mail server
    assert result.skipped == 2
    by_to = {r["to"]: r for r in stub.requests}
    assert set(by_to) == {"33612345678", "33611223344"}
    for request in stub.requests:
        assert request["_path"] == "/sms/json" and request["from"] == "Comptoir"
        assert request["_authorization"].startswith("Basic ")
        assert gsm_length(request["text"]) <= 160
        assert all(c in GSM_BASIC or c in GSM_EXTENDED for c in request["text"])
    # ô is not in the GSM alphabet, é is.
    customer_text = by_to["33612345678"]["text"]
    assert customer_text == "Coté Thé : votre commande T-0001 : Commande Enregistrée."
    seller_text = by_to["33611223344"]["text"]
    assert seller_text.startswith("Nouvelle commande T-0001 : 1,00 €, Marie-Hélène")
    assert seller_text.endswith("... comptoir --order T-0001")  # the long name was cut
    seller = Notification.get((Notification.channel == "sms") & (Notification.audience == "seller"))
    assert seller.state == N.SENT and seller.recipient == "+33611223344"


@pytest.mark.parametrize(
    "answer",
    [
        (200, {"status": "1", "error-text": "Throughput Rate Exceeded"}),
        (429, {}),
        (503, {}),
        (500, {}),
    ],
    ids=["throttled", "http429", "http503", "http500"],
)
async def test_sms_temporary_failures_retry(
    db: str, server_tls: ssl.SSLContext, trust_ca: Path, answer: tuple[int, dict[str, str]]
) -> None:
    with VonageStub(server_tls, [answer]) as stub:
        config = sms_config(stub)
        add_orders(config, order_doc())
        with write_transaction():
            Notification.delete().where(Notification.channel == "mail").execute()
        result = await drain(config)
    assert result.ok and result.sent == 1 and result.retried == 1
    assert len(stub.requests) == 2
    assert Notification.get().attempts == 2


async def test_sms_invalid_number_fails_with_vonages_words(
    db: str, server_tls: ssl.SSLContext, trust_ca: Path
) -> None:
    answer = (200, {"status": "3", "error-text": "Invalid Message: to address is invalid"})
    with VonageStub(server_tls, [answer]) as stub:
        config = sms_config(stub)
        add_orders(config, order_doc())
        with write_transaction():
            Notification.delete().where(Notification.channel == "mail").execute()
        result = await drain(config)
    row = Notification.get()
    assert row.state == N.FAILED and row.attempts == 1 and result.failed == 1
    assert "to address is invalid" in row.last_error and "3" in row.last_error


# -- demo capture ----------------------------------------------------------------------------


async def test_demo_capture_writes_a_maildir(db: str, tmp_path: Path) -> None:
    with MailCapture(tmp_path / "Maildir") as url:
        config = make_config(smtp_url=url)
        add_orders(config, no_mobile())
        assert (await drain(config)).ok
    box = mailbox.Maildir(tmp_path / "Maildir", create=False)
    subjects = [str(m["Subject"]) for m in box]
    assert len(subjects) == 1 and "T-0001" in subjects[0]


# -- the loop of the TUI and of `comptoir worker` ----------------------------------------------


async def eventually(condition: Any, what: str, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def test_run_sends_what_becomes_due_until_stopped(db: str) -> None:
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        notifier = Notifier(config, "tui", poll_seconds=0.05)
        stop = asyncio.Event()
        task = asyncio.create_task(notifier.run(stop))
        add_orders(config, no_mobile("T-0001"))
        notifier.wake()
        await eventually(lambda: server.recorder.count() == 1, "the first mail")
        change_status("T-0001", S.CONFIRMING, config=config)
        await eventually(lambda: server.recorder.count() == 2, "the second mail")
        stop.set()
        await asyncio.wait_for(task, timeout=30)
    assert states() == {N.SENT: 2}


# -- the order's PDF -------------------------------------------------------------------------


async def test_new_order_mail_attaches_the_order_pdf(db: str, tmp_path: Path) -> None:
    with SmtpServer() as server:
        config = make_config(smtp_url=server.url)
        save_profile(name="Shop", email="seller@example.org")
        add_orders(config, no_mobile(), seller=True)
        assert (await drain(config)).ok
        by_to = {m["To"]: m for m in server.recorder.received}
    attachments = list(by_to["seller@example.org"].iter_attachments())
    assert [a.get_filename() for a in attachments] == ["commande-T-0001.pdf"]
    pdf = tmp_path / "attached.pdf"
    pdf.write_bytes(attachments[0].get_content())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "T-0001" in text and "Hugo Bernard" in text
    assert list(by_to["hugo.bernard@example.org"].iter_attachments()) == []


# -- configuration parsing -------------------------------------------------------------------


def test_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://127.0.0.1")
    assert (plain.port, plain.use_tls, plain.start_tls, plain.username) == (25, False, False, None)
    tls = parse_smtp_url("smtps://user%40shop:p%3Ass@mail.example.org")
    assert (tls.port, tls.use_tls, tls.username, tls.password) == (465, True, "user@shop", "p:ss")
    start = parse_smtp_url("smtp://u:p@mail.example.org:587?starttls=1")
    assert (start.port, start.start_tls, start.use_tls) == (587, True, False)
    with pytest.raises(ConfigError):
        parse_smtp_url("smtps://mail.example.org?starttls=1")
    with pytest.raises(ConfigError):
        parse_smtp_url("http://mail.example.org")


async def test_sms_without_vonage_configuration_is_skipped(db: str) -> None:
    config = make_config()
    add_orders(config, order_doc())  # the customer has a mobile: mail + SMS
    result = await drain(config)
    assert result.skipped == 2 and result.sent == 0 and result.ok
    sms = Notification.get(Notification.channel == "sms")
    assert sms.state == N.SKIPPED and "COMPTOIR_VONAGE_API_KEY" in sms.last_error
