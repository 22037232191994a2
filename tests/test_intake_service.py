"""`comptoir service` as a real process on 127.0.0.1: the signed webhook endpoint.

Every delivery is signed by the reference `standardwebhooks` package (the marketplace's
side) and sent by a real HTTP client (aiohttp, or raw bytes on a socket where a client
would refuse to misbehave). Refused deliveries never write; a crash never loses or doubles.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import signal
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import utcnow
from app.intake.files import InvalidDocument, decode_document
from app.shop.profile import save_profile
from storage.models import Document, Notification, Order, StatusChange, WebhookDelivery
from tests.docs_fixtures import PROFILE
from tests.factories import order_doc
from tests.intake_support import (
    Marketplace,
    Service,
    body_of,
    new_secret,
    raw_request,
    status_of,
)

SECRET = new_secret(7)
OTHER = new_secret(9)


def written() -> tuple[int, int, int, int, int]:
    """Orders, history rows, documents, notifications and known webhook-ids."""
    return (
        Order.select().count(),
        StatusChange.select().count(),
        Document.select().count(),
        Notification.select().count(),
        WebhookDelivery.select().count(),
    )


NOTHING = (0, 0, 0, 0, 0)


def numbered(i: int, prefix: str = "W") -> dict[str, Any]:
    return order_doc(number=f"{prefix}-{i:04d}", placed_at=f"2021-01-18T10:{i % 60:02d}:00+01:00")


async def post(
    session: aiohttp.ClientSession,
    service: Service,
    body: bytes,
    headers: dict[str, str],
    path: str = "/orders",
) -> tuple[int, dict[str, Any]]:
    async with session.post(service.url + path, data=body, headers=headers) as response:
        text = await response.text()
        return response.status, (json.loads(text) if text else {})


@pytest.fixture
def service(db: str, tmp_path: Path) -> Any:
    save_profile(**PROFILE)  # a complete seller: invoices are issued at intake
    with Service(db, {"COMPTOIR_INTAKE_SECRET": SECRET, "COMPTOIR_UNDO_SECONDS": "0"}) as running:
        yield running


async def test_a_signed_order_is_imported_then_every_replay_is_known(
    service: Service, db: str
) -> None:
    market = Marketplace(SECRET)
    body = body_of(numbered(1))
    headers = market.headers(body, "msg_first")
    async with aiohttp.ClientSession() as session:
        status, answer = await post(session, service, body, headers)
        assert (status, answer["result"], answer["imported"]) == (201, "importée", ["W-0001"])
        after = written()
        assert after[:3] == (1, 1, 1) and after[4] == 1  # order, history, invoice, the id
        # The same delivery again (a retry after a lost answer), then the same order under
        # another id (the marketplace re-sent the event): known, nothing written.
        status, answer = await post(session, service, body, market.headers(body, "msg_first"))
        assert (status, answer["result"]) == (200, "déjà connue")
        status, answer = await post(session, service, body, market.headers(body, "msg_again"))
        assert (status, answer["result"], answer["known"]) == (200, "déjà connue", ["W-0001"])
        assert written() == after
    # A replay of the id is recognised after a restart too.
    assert service.stop() == 0
    service.process = None
    service.start()
    async with aiohttp.ClientSession() as session:
        status, answer = await post(session, service, body, market.headers(body, "msg_first"))
    assert (status, answer["result"]) == (200, "déjà connue")
    assert written() == after
    lines = service.log_lines()
    assert any(
        re.search(r"id=msg_first order=W-0001 outcome=imported status=201 ms=\d+\.\d", line)
        for line in lines
    ), lines
    logs = "\n".join(service.err)
    for private in (SECRET, "hugo.bernard", "Hugo Bernard", "Bellecour", "+33612345678"):
        assert private not in logs


async def test_refused_deliveries_answer_clearly_and_write_nothing(service: Service) -> None:
    market = Marketplace(SECRET)
    good = body_of(numbered(2))
    signed = market.headers(good)
    wrong_key = Marketplace(OTHER).headers(good)
    no_signature = {k: v for k, v in signed.items() if k != "webhook-signature"}
    tampered = body_of(numbered(3))  # signed headers of another body
    bad_order = numbered(4)
    bad_order["customer"]["email"] = "pas-une-adresse"
    cases: list[tuple[str, bytes, dict[str, str], int, str | None]] = [
        ("no headers", good, {"content-type": "application/json"}, 401, "missing-headers"),
        ("no signature", good, no_signature, 401, "missing-headers"),
        ("another secret", good, wrong_key, 401, "bad-signature"),
        ("another body", tampered, signed, 401, "bad-signature"),
        ("garbage signature", good, {**signed, "webhook-signature": "v1,@@@ v2"}, 401, None),
        ("stale", good, market.headers(good, shift=-301), 401, "stale-timestamp"),
        # Signed as it is sent: built in advance, its five minutes would shrink with each
        # request before it (a slow machine took 301 s down to under 300).
        ("future", good, {"shift": "+301"}, 401, "future-timestamp"),
        ("bad timestamp", good, {**signed, "webhook-timestamp": "soon"}, 401, "bad-timestamp"),
        ("not json", b'{"number": "W-1",', None, 422, None),  # type: ignore[list-item]
        ("not utf-8", b'{"number": "\xff"}', None, 422, None),  # type: ignore[list-item]
        ("invalid order", body_of(bad_order), None, 422, None),  # type: ignore[list-item]
    ]
    async with aiohttp.ClientSession() as session:
        for name, body, headers, expected, reason in cases:
            if headers is None or "shift" in headers:
                shift = float(headers["shift"]) if headers else 0.0
                sent = market.headers(body, shift=shift)
            else:
                sent = headers
            status, answer = await post(session, service, body, sent)
            assert status == expected, (name, status, answer)
            assert answer["status"] == expected and answer["type"] == "about:blank"
            if reason:
                assert answer["reason"] == reason, name
        # The problem names the order and the field in `comptoir import`'s words.
        status, answer = await post(
            session, service, body_of(bad_order), market.headers(body_of(bad_order))
        )
        assert answer["order"] == "W-0004" and answer["field"] == "customer.email"
        assert answer["detail"].startswith(
            "commande W-0004 : champ customer.email : n'est pas une adresse mail valide"
        )
        async with session.get(service.url + "/orders") as response:
            assert response.status == 405
            assert response.headers["content-type"].startswith("application/problem+json")
        async with session.post(service.url + "/elsewhere", data=good) as response:
            assert response.status == 404
        async with session.get(service.url + "/health") as response:
            assert response.status == 200 and (await response.json())["status"] == "ok"
    assert written() == NOTHING
    assert not any("status=500" in line for line in service.log_lines())


def _head(headers: dict[str, str], extra: str) -> bytes:
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\n{lines}{extra}\r\n".encode()


def test_oversized_and_truncated_bodies_are_refused_without_reading_them(
    service: Service,
) -> None:
    market = Marketplace(SECRET)
    limit = 1 << 20
    big = b'{"number": "' + b"x" * limit + b'"}'
    # A declared length over the limit: answered at once, though the body never comes.
    began = time.monotonic()
    answer = raw_request(
        service.port, _head(market.headers(big), f"Content-Length: {10**9}\r\n"), big[:1000]
    )
    assert status_of(answer) == 413 and time.monotonic() - began < 3
    assert b'"limit": 1048576' in answer
    # A chunked body crossing the limit: refused when it crosses.
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n"
        for part in (big[i : i + 65536] for i in range(0, len(big), 65536))
    )
    answer = raw_request(
        service.port,
        _head(market.headers(big), "Transfer-Encoding: chunked\r\n"),
        chunks + b"0\r\n\r\n",
    )
    assert status_of(answer) == 413
    # A body cut short (the sender closes its side): no answer to give, nothing written.
    good = body_of(numbered(5))
    answer = raw_request(
        service.port,
        _head(market.headers(good), f"Content-Length: {len(good)}\r\n"),
        good[: len(good) // 2],
        half_close=True,
    )
    assert status_of(answer) in (None, 400)
    # A body cut short at a JSON boundary, its length honest: malformed JSON.
    cut = good[: len(good) // 2]
    answer = raw_request(
        service.port, _head(market.headers(cut), f"Content-Length: {len(cut)}\r\n"), cut
    )
    assert status_of(answer) == 422
    assert written() == NOTHING
    # The log reaches us through a reader thread: wait for the lines (not for their speed).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = service.log_lines()
        if sum("outcome=too-large status=413" in line for line in lines) >= 2:
            break
        time.sleep(0.05)
    assert sum("outcome=too-large status=413" in line for line in lines) == 2
    assert not any("status=500" in line for line in lines)
    # Still serving.
    assert status_of(raw_request(service.port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")) == 200


def _invalid(body: bytes) -> bool:
    try:
        decode_document(body)
    except InvalidDocument:
        return True
    return False


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=30),
            lambda inner: (
                st.lists(inner, max_size=5)
                | st.dictionaries(st.text(max_size=12), inner, max_size=6)
            ),
            max_leaves=30,
        ).map(lambda v: json.dumps(v).encode()),
        st.builds(
            lambda doc, key, value: json.dumps({**doc, key: value}).encode(),
            st.just(order_doc(number="F-1")),
            st.sampled_from(["number", "placed_at", "customer", "lines", "total", "payment"]),
            st.none() | st.integers() | st.text(max_size=40) | st.lists(st.integers()),
        ).filter(_invalid),  # a text can be a good order number ("Õû"): that one is valid
    ),
    signed=st.booleans(),
    header=st.text(max_size=60),
)
def test_fuzzed_bodies_never_cause_a_500_nor_a_write(
    service: Service, body: bytes, signed: bool, header: str
) -> None:
    market = Marketplace(SECRET)
    if signed:
        headers = market.headers(body)
    else:
        headers = {
            "webhook-id": "msg_x",
            "webhook-timestamp": str(int(time.time())),
            "webhook-signature": header.encode("ascii", "replace").decode(),
        }
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"POST /orders HTTP/1.1\r\nHost: x\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode()
    )
    status = status_of(raw_request(service.port, request, body))
    # 400: aiohttp's own parser refuses a header with control characters.
    assert status in ((422, 413) if signed else (401, 400)), (status, body)
    assert Order.select().count() == 0


async def test_a_rotated_secret_accepts_the_old_and_the_new(db: str) -> None:
    new, old = new_secret(1), new_secret(2)
    env = {"COMPTOIR_INTAKE_SECRET": f"{new} {old}"}
    with Service(db, env) as service:
        async with aiohttp.ClientSession() as session:
            for i, secret in enumerate((old, new), start=10):
                body = body_of(numbered(i))
                status, _ = await post(session, service, body, Marketplace(secret).headers(body))
                assert status == 201
            body = body_of(numbered(12))
            status, _ = await post(session, service, body, Marketplace(OTHER).headers(body))
            assert status == 401
    assert Order.select().count() == 2


def _deliveries(orders: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """Each order once, a third of them replayed under their id, a tenth re-sent under a
    new id, and a few lists of two; shuffled."""
    plan: list[tuple[str, bytes]] = []
    for i in range(orders):
        body = body_of(numbered(i, "B"))
        plan.append((f"msg_b{i}", body))
        if i % 3 == 0:
            plan.append((f"msg_b{i}", body))
        if i % 10 == 0:
            plan.append((f"msg_b{i}_again", body))
        if i % 25 == 24:
            plan.append((f"msg_pair{i}", body_of([numbered(i, "B"), numbered(i - 1, "B")])))
    rng.shuffle(plan)
    return plan


async def _send_all(
    plan: list[tuple[str, bytes]],
    market: Marketplace,
    service: Service,
    *,
    senders: int = 20,
    on_accepted: Any = None,
) -> dict[str, int]:
    """`senders` concurrent senders; each delivery is retried until answered 2xx (as a
    marketplace does), and a fifth are sent again after their answer (a lost answer)."""
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    statuses: dict[str, int] = {}
    rng = random.Random(5)

    async def sender(session: aiohttp.ClientSession) -> None:
        while True:
            try:
                webhook_id, body = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            for attempt in range(400):
                try:
                    status, _ = await post(session, service, body, market.headers(body, webhook_id))
                except (TimeoutError, aiohttp.ClientError, OSError):
                    await asyncio.sleep(0.1 + 0.02 * attempt)
                    continue
                assert status != 500
                if status in (200, 201):
                    statuses[f"{status}"] = statuses.get(f"{status}", 0) + 1
                    if on_accepted is not None:
                        on_accepted()
                    if rng.random() < 0.2:  # the answer was "lost": sent again
                        with contextlib.suppress(aiohttp.ClientError, OSError):
                            again, _ = await post(
                                session, service, body, market.headers(body, webhook_id)
                            )
                            assert again == 200
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"{webhook_id} never accepted")

    timeout = aiohttp.ClientTimeout(total=20)
    connector = aiohttp.TCPConnector(limit=senders)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(sender(session) for _ in range(senders)))
    return statuses


def assert_exactly_once(orders: int) -> None:
    numbers = [n for (n,) in Order.select(Order.number).tuples()]
    assert sorted(numbers) == sorted(f"B-{i:04d}" for i in range(orders))
    invoices = sorted(
        n for (n,) in Document.select(Document.number).where(Document.kind == "invoice").tuples()
    )
    year = utcnow().year  # issued the day the orders reach Comptoir
    assert invoices == [f"F{year}-{i:06d}" for i in range(1, orders + 1)]  # gapless
    assert StatusChange.select().count() == orders
    # Two mails each (the seller's and the customer's) and one SMS to the customer, once.
    per_order = Notification.select().count() / orders
    assert per_order == int(per_order)


async def test_100_orders_by_20_concurrent_senders_exactly_once(service: Service) -> None:
    plan = _deliveries(100, random.Random(1))
    statuses = await _send_all(plan, Marketplace(SECRET), service)
    assert statuses["201"] <= 100 and sum(statuses.values()) == len(plan)
    assert_exactly_once(100)
    assert not any("status=500" in line for line in service.log_lines())


async def test_killed_in_the_middle_of_a_burst_nothing_is_lost_nor_doubled(db: str) -> None:
    env = {"COMPTOIR_INTAKE_SECRET": SECRET, "COMPTOIR_UNDO_SECONDS": "0"}
    save_profile(**PROFILE)  # a complete seller: invoices are issued at intake
    service = Service(db, env).start()
    accepted = 0
    restarted = asyncio.Event()

    def count() -> None:
        nonlocal accepted
        accepted += 1

    async def killer() -> None:
        while accepted < 30:
            await asyncio.sleep(0.01)
        service.kill()  # SIGKILL: no cleanup, transactions cut wherever they were
        await asyncio.sleep(0.5)
        await asyncio.to_thread(service.start)
        restarted.set()

    plan = _deliveries(100, random.Random(2))
    kill = asyncio.ensure_future(killer())
    try:
        await _send_all(plan, Marketplace(SECRET), service, on_accepted=count)
        await kill
    finally:
        if service.process is not None and service.process.poll() is None:
            assert service.stop() == 0
    assert restarted.is_set()
    assert_exactly_once(100)


async def test_sigterm_answers_the_request_in_flight_then_exits_zero(db: str) -> None:
    service = Service(db, {"COMPTOIR_INTAKE_SECRET": SECRET}).start()
    body = body_of(numbered(40))
    head = _head(Marketplace(SECRET).headers(body), f"Content-Length: {len(body)}\r\n")
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    writer.write(head + body[:100])  # in flight: its body half sent
    await writer.drain()
    await asyncio.sleep(0.3)
    assert service.process is not None
    service.process.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.3)
    writer.write(body[100:])
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    assert status_of(answer) == 201
    assert service.wait() == 0
    assert Order.select().count() == 1
    assert service.out[-1] == "Comptoir service arrêté."


async def test_tls_with_a_certificate_and_key(sqlite_url: str, tmp_path: Path) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(tmp_path / "key.pem")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    ca.cert_pem.write_to_path(tmp_path / "ca.pem")
    import ssl

    client = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    service = Service(sqlite_url, {"COMPTOIR_INTAKE_SECRET": SECRET})
    service.start("--cert", str(tmp_path / "cert.pem"), "--key", str(tmp_path / "key.pem"))
    try:
        assert f"https://127.0.0.1:{service.port}/orders" in service.out[0]
        body = body_of(numbered(41))
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"https://127.0.0.1:{service.port}/orders",
                data=body,
                headers=Marketplace(SECRET).headers(body),
                ssl=client,
            ) as response,
        ):
            assert response.status == 201
    finally:
        assert service.stop() == 0


def test_the_service_refuses_to_start_without_a_good_secret(run: Any) -> None:
    done = run("service", "--port", "0")
    assert done.returncode == 1
    assert done.stderr.startswith("comptoir: COMPTOIR_INTAKE_SECRET manque")
    assert done.stderr.count("\n") == 1
    done = run("service", extra_env={"COMPTOIR_INTAKE_SECRET": "whsec_court"})
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "COMPTOIR_INTAKE_SECRET : un secret whsec_… attendu" in done.stderr
    done = run("service", extra_env={"COMPTOIR_MARKETPLACE_URL": "https://market.example/hooks"})
    assert done.returncode == 1 and "vont ensemble" in done.stderr


def test_doctor_says_whether_the_endpoint_answers(sqlite_url: str, run: Any) -> None:
    from storage.db import open_database

    open_database(sqlite_url)
    env = {"COMPTOIR_INTAKE_SECRET": SECRET, "COMPTOIR_DATABASE_URL": sqlite_url}
    with Service(sqlite_url, env) as service:
        done = run("doctor", extra_env=env)
        line = next(li for li in done.stdout.splitlines() if "Service d'intake" in li)
        assert line.startswith("✓ ") and f"127.0.0.1:{service.port}" in line
    done = run("doctor", extra_env=env)
    line = next(li for li in done.stdout.splitlines() if "Service d'intake" in li)
    assert line.startswith("✗ ") and "ne répond pas" in line
