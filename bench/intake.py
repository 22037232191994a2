"""Intake benchmark: `python -m bench.intake [--orders N] [--senders N] [--db URL]`.

- Orders per second accepted by `comptoir service` (signed, validated, committed with the
  invoice and the messages; answered 201) at `--senders` concurrent senders, against a bare
  aiohttp handler that checks the same Standard Webhooks signature and answers 200 (the
  floor: HTTP, the HMAC, nothing else), in the same run, each in a process of its own;
  p50 and p99 of the answers' latency for both.
- POST → painted: a headless Comptoir TUI open on the same database (as a counter has it,
  polling every second); from the POST of one new order to the frame that shows it in the
  list. Its floor is the POST's own answer time, measured in the same requests.

Every request is signed before the clock starts (the marketplace's cost is not ours). The
database is a fresh SQLite file unless `--db` names another (it must be empty).
Goals (issue 12): ≥ 200 orders/s on SQLite, p99 < 100 ms, POST → painted < 1 s median.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECRET = "whsec_" + base64.b64encode(b"comptoir-bench-secret-24b").decode()

BARE = r"""
import sys, time
from aiohttp import web
from app import webhooks

keys = webhooks.decode_secrets(sys.argv[2])

async def orders(request):
    h = request.headers
    body = await request.read()
    try:
        webhook_id = webhooks.check_id(h.get("webhook-id"))
        ts = webhooks.check_timestamp(h.get("webhook-timestamp"), time.time())
        webhooks.check_signature(keys, webhook_id, ts, h.get("webhook-signature"), body)
    except webhooks.Refused:
        return web.Response(status=401)
    return web.Response(status=200, text="ok")

app = web.Application()
app.router.add_post("/orders", orders)
print("/orders", flush=True)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    from app.messages.capture import free_port as port

    return port()


def order(number: str, placed_at: str) -> dict[str, Any]:
    return {
        "number": number,
        "placed_at": placed_at,
        "customer": {
            "name": "Hugo Bernard",
            "email": "hugo.bernard@example.org",
            "address": "4 place Bellecour, 69002 Lyon",
            "mobile": "+33612345678",
        },
        "fulfilment": {"mode": "pickup", "details": "Retrait", "shipping_fee": "0.00"},
        "lines": [
            {
                "product": "Thé vert Sencha",
                "category": "Thé",
                "seller": "Point d'activité",
                "unit_price": "4.50",
                "quantity": 2,
                "vat_rate": "5.50",
            },
            {
                "product": "Théière en fonte",
                "category": "Accessoires",
                "seller": "Point d'activité",
                "unit_price": "32.00",
                "quantity": 1,
                "vat_rate": "20.00",
            },
        ],
        "total": "41.00",
        "payment": "ok",
    }


def signed(prefix: str, count: int, placed_at: str) -> list[tuple[bytes, dict[str, str]]]:
    from app import webhooks

    key = webhooks.decode_secret(SECRET)
    now = int(time.time())
    requests = []
    for i in range(count):
        body = json.dumps(order(f"{prefix}-{i:06d}", placed_at), ensure_ascii=False).encode()
        headers = webhooks.signed_headers(key, f"msg_{prefix}_{i}", now, body)
        headers["content-type"] = "application/json"
        requests.append((body, headers))
    return requests


class Process:
    """A server process that prints a line with `/orders` once it listens."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "/orders" in line:
                return
        raise RuntimeError(f"{argv[:4]} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


async def burst(port: int, requests: list[tuple[bytes, dict[str, str]]], senders: int) -> dict:
    """Send every request with `senders` concurrent senders; throughput and latencies."""
    import aiohttp

    url = f"http://127.0.0.1:{port}/orders"
    queue = list(reversed(requests))
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def sender(session: aiohttp.ClientSession) -> None:
        while queue:
            body, headers = queue.pop()
            began = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
            latencies.append((time.perf_counter() - began) * 1000)

    connector = aiohttp.TCPConnector(limit=senders)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(sender(session) for _ in range(senders)))
        seconds = time.perf_counter() - began
    latencies.sort()
    return {
        "rate": len(requests) / seconds,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "statuses": statuses,
    }


async def painted(url: str, port: int, samples: int) -> tuple[list[float], list[float]]:
    """POST → the frame showing the order on a running TUI; and POST → its answer."""
    from datetime import datetime

    import aiohttp

    from app.config import Config
    from app.tui.factory import make_app
    from bench.tui import FrameClock, settle

    config = Config(database_url=url)
    app = make_app(config)  # the current month, polling every second as `comptoir` does
    to_frame: list[float] = []
    to_answer: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot, aiohttp.ClientSession() as session:
        clock = FrameClock(app)
        await settle(app, pilot)
        for i in range(samples):
            now = datetime.now(config.tz).replace(microsecond=0).isoformat()
            ((body, headers),) = signed(f"LIVE{i}", 1, now)
            number = json.loads(body)["number"]
            loop = asyncio.get_running_loop()
            clock._done = loop.create_future()
            clock.overhead = 0.0
            clock._expected = lambda c, n=number: n in c.text()
            began = time.perf_counter()
            async with session.post(
                f"http://127.0.0.1:{port}/orders", data=body, headers=headers
            ) as response:
                assert response.status == 201, response.status
            to_answer.append((time.perf_counter() - began) * 1000)
            moment = await asyncio.wait_for(clock._done, 10)
            to_frame.append((moment - began) * 1000)
            await settle(app, pilot)
            await asyncio.sleep(0.3 + 0.15 * i)  # land at different points of the poll
    return to_frame, to_answer


def line(name: str, figure: float, floor: float, unit: str, goal: str) -> None:
    ratio = figure / floor if floor else float("inf")
    print(f"{name:<34} {figure:9.1f} {unit:<8} floor {floor:9.1f} {unit:<8} ×{ratio:5.2f}   {goal}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--samples", type=int, default=7, help="POST → painted samples")
    parser.add_argument("--db", metavar="URL", help="an empty database (else a SQLite file)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-intake-"))
    url = args.db or f"sqlite:///{folder / 'intake.sqlite3'}"
    env = {
        "COMPTOIR_HOME": str(folder / "home"),
        "COMPTOIR_INTAKE_SECRET": SECRET,
        "COMPTOIR_UNDO_SECONDS": "0",
    }
    try:
        from storage.db import open_database

        open_database(url)
        # A shop with a complete seller: each order's invoice is issued at intake, as it is
        # in a shop (without one, invoices wait and the intake does less than a shop's).
        from app.shop.profile import save_profile

        save_profile(name="Épicerie", address="1 rue du Marché, 69001 Lyon", siret="73282932000074")
        port, bare_port = free_port(), free_port()
        service = Process(
            [sys.executable, "-m", "app", "service", "--db", url, "--port", str(port)], env
        )
        bare = Process([sys.executable, "-c", BARE, str(bare_port), SECRET], env)
        try:
            rounds: dict[str, list[dict]] = {"ours": [], "bare": []}
            half = args.orders // 2
            for r in range(2):  # in turns, so that both see the same machine
                rounds["bare"].append(
                    asyncio.run(
                        burst(
                            bare_port,
                            signed(f"F{r}", half, "2021-01-18T10:00:00+01:00"),
                            args.senders,
                        )
                    )
                )
                rounds["ours"].append(
                    asyncio.run(
                        burst(
                            port, signed(f"B{r}", half, "2021-01-18T10:00:00+01:00"), args.senders
                        )
                    )
                )
            bare.stop()
            bare = None
            frames, answers = asyncio.run(painted(url, port, args.samples))
        finally:
            service.stop()
            if bare is not None:
                bare.stop()
        ours = {k: statistics.median(r[k] for r in rounds["ours"]) for k in ("rate", "p50", "p99")}
        floor = {k: statistics.median(r[k] for r in rounds["bare"]) for k in ("rate", "p50", "p99")}
        statuses = [r["statuses"] for r in rounds["ours"]]
        print(
            f"{args.orders} orders, {args.senders} concurrent senders, {url.split(':')[0]}; "
            f"answers {statuses}"
        )
        ratio = floor["rate"] / ours["rate"]
        print(
            f"{'orders/s accepted (201)':<34} {ours['rate']:9.1f} {'orders/s':<8} floor "
            f"{floor['rate']:9.1f} {'orders/s':<8} ×{ratio:5.2f}   goal ≥ 200 orders/s"
        )
        line("latency p50", ours["p50"], floor["p50"], "ms", "")
        line("latency p99", ours["p99"], floor["p99"], "ms", "goal < 100 ms")
        line(
            "POST → painted (median)",
            statistics.median(frames),
            statistics.median(answers),
            "ms",
            "goal < 1000 ms",
        )
        print("POST → painted samples: " + " ".join(f"{v:.0f}" for v in frames) + " ms")
        ok = ours["rate"] >= 200 and ours["p99"] < 100 and statistics.median(frames) < 1000
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
