"""Benchmark: investor seat booking under a race, over HTTP on a running roadshows service.

Starts the roadshows app under uvicorn on a free 127.0.0.1 port with throw-away database
and topic prefixes (the change relay publishes to the real Kafka), trusting a bench
signing key. An operator schedules a roadshow with ``--seats`` investor seats; then
``--bookings`` investors book at once (one request each, all in flight together): a
seat is a counted unit on the shared store, so exactly ``--seats`` get one (201) and the
rest join the FIFO waitlist (202). Then ``--cancel`` seat holders cancel one after the
other; "promoted_after_cancel" counts waiters who then hold a seat, and only if they are
exactly the first ones of the waitlist, in order. p99_ms is over the booking requests.
Everything is dropped afterwards. The last line printed is one JSON object:
{"seats", "bookings", "granted", "waitlisted", "promoted_after_cancel", "p99_ms"}.

    uv run python bench/booking.py --seats 10 --bookings 200 --cancel 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.roadshows.main import create_app  # noqa: E402
from services.roadshows.settings import RoadshowsSettings  # noqa: E402
from shared.auth import Caller, OrgType  # noqa: E402
from shared.bootstrap import published_topics  # noqa: E402
from shared.broker import delete_topics  # noqa: E402
from shared.db import create_mongo_client, database_name  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.auth import TokenMint, bearer, make_caller  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def roadshow(seats: int) -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    return {
        "title": "人工智能专场路演（压测）", "domain": "ai", "venue": "中关村会议中心",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "pitch_slots": 6, "investor_seats": seats,
    }  # fmt: skip


class Bench:
    def __init__(self, base_url: str, mint: TokenMint) -> None:
        self.base_url, self.mint = base_url, mint
        # One small client per caller (one shared pool of 200 spent more CPU scanning
        # itself than the server spent on a booking).
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.tokens: dict[str, dict[str, str]] = {}

    def of(self, caller: Caller) -> httpx.AsyncClient:
        if caller.user_id not in self.clients:
            self.clients[caller.user_id] = httpx.AsyncClient(base_url=self.base_url, timeout=120)
            self.tokens[caller.user_id] = bearer(self.mint.token(caller, ttl=3600))
        return self.clients[caller.user_id]

    async def call(
        self, caller: Caller, method: str, path: str, body: Any = None
    ) -> httpx.Response:
        r = await self.of(caller).request(
            method, path, json=body, headers=self.tokens[caller.user_id]
        )
        if r.status_code >= 500:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    async def ok(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        r = await self.call(caller, method, path, body)
        if r.status_code not in (200, 201, 202):
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    async def timed(self, caller: Caller, path: str) -> tuple[int, float]:
        start = time.perf_counter()
        r = await self.call(caller, "POST", path)
        return r.status_code, (time.perf_counter() - start) * 1000

    async def close(self) -> None:
        for c in self.clients.values():
            await c.aclose()


async def run(b: Bench, args: argparse.Namespace) -> dict[str, Any]:
    operator = make_caller(OrgType.operator)
    rid = (await b.ok(operator, "POST", "/roadshows", roadshow(args.seats)))["id"]
    investors = [make_caller(OrgType.investor) for _ in range(args.bookings)]
    # Warm-up (untimed): every investor's connection open, its token verified once.
    await asyncio.gather(*(b.ok(i, "GET", f"/roadshows/{rid}") for i in investors))
    answers = await asyncio.gather(*(b.timed(i, f"/roadshows/{rid}/seats") for i in investors))
    granted = sum(code == 201 for code, _ in answers)
    waitlisted = sum(code == 202 for code, _ in answers)
    before = await b.ok(operator, "GET", f"/roadshows/{rid}/seats")
    by_org = {i.organisation_id: i for i in investors}
    holders = [h["investor_org_id"] for h in before["held"]][: args.cancel]
    for org in holders:
        await b.ok(by_org[org], "POST", f"/roadshows/{rid}/seats/cancel")
    after = await b.ok(operator, "GET", f"/roadshows/{rid}/seats")
    now_held = {h["investor_org_id"] for h in after["held"]}
    promoted = now_held - {h["investor_org_id"] for h in before["held"]}
    fifo = promoted == set(before["waitlist"][: len(promoted)])
    mine = [await b.ok(by_org[o], "GET", f"/roadshows/{rid}/seats/mine") for o in promoted]
    recorded = all(m["state"] == "held" for m in mine)
    lat = sorted(ms for _, ms in answers)
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
    print(json.dumps({
        "p50_ms": round(statistics.median(lat), 1), "max_ms": round(lat[-1], 1),
        "other_statuses": sorted({c for c, _ in answers} - {201, 202}),
        "held_after_cancel": len(after["held"]), "waitlist_after_cancel": len(after["waitlist"]),
        "promotions_fifo": fifo, "promotions_recorded": recorded,
    }))  # fmt: skip
    return {
        "seats": args.seats,
        "bookings": args.bookings,
        "granted": granted,
        "waitlisted": waitlisted,
        "promoted_after_cancel": len(promoted) if fifo and recorded else -1,
        "p99_ms": round(p99, 1),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10]
    settings = Settings(
        db_prefix=f"bench_{tag}", topic_prefix=f"bench-{tag}.", group_prefix=f"bench-{tag}"
    )
    own = RoadshowsSettings(sweep_seconds=3600, consume=False)
    mint = TokenMint()
    app = create_app(settings, own, verifier=mint.verifier(), sweeper=False)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    b = Bench(f"http://127.0.0.1:{port}", mint)
    try:
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.05)
        return await run(b, args)
    finally:
        await b.close()
        server.should_exit = True
        with contextlib.suppress(Exception):
            await serving
        client_db = create_mongo_client(settings)
        await client_db.drop_database(database_name("roadshows", settings))
        await client_db.close()
        with contextlib.suppress(Exception):
            await delete_topics(published_topics("roadshows", settings), settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--cancel", type=int, default=5)
    result = asyncio.run(main(parser.parse_args()))
    print(json.dumps(result))
