"""A message is never sent twice while its sender is alive (issue 10 item 2): against a
deliberately slow SMTP server (tests.notifier_servers.SlowSmtp, real TCP on 127.0.0.1)
with several notifiers and a lease shorter than one message's exchange, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import asyncio
import time

from app.messages.notifier import Notifier
from app.messages.states import NotificationState as N
from storage.models import Notification
from tests.notifier_servers import SlowSmtp
from tests.test_notifier import add_orders, eventually, make_config, no_mobile

LEASE = 2.0  # seconds; the slow server needs about 2.4 s per message


async def test_several_notifiers_and_a_slow_server_send_each_mail_once(db: str) -> None:
    with SlowSmtp(delay=0.4) as server:  # 6 replies per message: 2.4 s > the lease
        config = make_config(smtp_url=server.url, notify_lease_seconds=LEASE)
        add_orders(config, no_mobile("T-0001"), no_mobile("T-0002"))
        stop = asyncio.Event()
        notifiers = [Notifier(config, f"n{i}", poll_seconds=0.05) for i in range(3)]
        tasks = [asyncio.create_task(n.run(stop)) for n in notifiers]
        try:
            await eventually(
                lambda: Notification.select().where(Notification.state == N.SENT).count() == 2,
                "both mails marked sent",
                timeout=60,
            )
            await asyncio.sleep(LEASE * 1.5)  # time for a takeover, had a lease lapsed
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        ids = server.message_ids()
    assert len(ids) == 2 and set(ids.values()) == {1}, ids
    rows = list(Notification.select())
    assert {n.state for n in rows} == {N.SENT} and {n.attempts for n in rows} == {1}


async def test_a_server_that_hangs_times_out_and_the_mail_goes_once_later(db: str) -> None:
    # The first connection never answers MAIL FROM: the command's timeout (half the lease)
    # ends that attempt; the retry, on a fresh connection, delivers it.
    with SlowSmtp(hang_on="MAIL", hang_connections=1) as server:
        config = make_config(smtp_url=server.url, notify_lease_seconds=LEASE)
        add_orders(config, no_mobile())
        started = time.monotonic()
        first, second = Notifier(config, "a"), Notifier(config, "b")
        # Each drain waits for retries due within 30 s: the retry's jittered delay (up to the
        # retry interval) must not fall between the two drains' horizons, or one of them
        # would end reporting a message that the other is about to send.
        results = await asyncio.wait_for(
            asyncio.gather(first.drain(retry_wait=30), second.drain(retry_wait=30)), timeout=60
        )
        elapsed = time.monotonic() - started
        ids = server.message_ids()
        connections = server.connections
    assert sum(r.sent for r in results) == 1 and sum(r.retried for r in results) == 1
    assert all(r.ok for r in results)
    assert list(ids.values()) == [1] and connections == 2
    assert elapsed < LEASE * 4  # bounded by the timeout, not by the server
    row = Notification.get()
    assert row.state == N.SENT and row.attempts == 2
    assert row.last_error is None or "délai" in row.last_error


async def test_a_send_whose_lease_was_taken_over_is_abandoned_and_never_marked(db: str) -> None:
    # Another notifier takes the row over while this one waits on the slow server (as if
    # this one had been frozen past its lease): the mail on the wire is abandoned before its
    # final dot, and only the new holder's copy arrives.
    # A longer lease and a slower server than the other tests: the takeover is seen at the
    # next renewal (a quarter of the lease, 1 s), the final dot would come after 6 replies
    # of 1.5 s (each within the command timeout, half the lease): a margin of about 8 s for
    # a loaded machine, where 2 s once proved too little.
    with SlowSmtp(delay=1.5) as server:
        config = make_config(smtp_url=server.url, notify_lease_seconds=2 * LEASE)
        add_orders(config, no_mobile())
        mine = Notifier(config, "first")
        sending = asyncio.create_task(mine.run_once())
        await eventually(lambda: server.connections == 1, "the first connection")
        Notification.update(lease_owner="second").execute()
        await asyncio.wait_for(sending, timeout=30)
        assert server.count() == 0
    row = Notification.get()
    assert row.state == N.SENDING and row.lease_owner == "second"
