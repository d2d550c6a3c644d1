"""Benchmark: the launch-event registration race, over HTTP on a running catalogue service.

Starts the catalogue app under uvicorn on a free 127.0.0.1 port with throw-away database
and topic prefixes (the change relay publishes to the real Kafka), trusting a bench
signing key. Then:
1. an enterprise's product is listed (apply -> approve -> edition published) and the
   operator schedules a launch event with ``--seats`` seats presenting it;
2. ``--registrations`` organisations (SOEs, government, enterprises, investors) register
   at once, one request each, all in flight together; every request's time is kept;
3. ``--cancel`` seat holders cancel; the waitlist's head must be promoted into each
   freed seat, first come first served (checked against the waitlist read before).
Everything is dropped afterwards. The last line printed is one JSON object:
{"seats", "registrations", "granted", "waitlisted", "promoted_after_cancel", "p99_ms"}
(granted/waitlisted as the service's stored registrations say, after the race).

    uv run python bench/catalogue.py --seats 10 --registrations 200 --cancel 5
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

from services.catalogue.main import create_app  # noqa: E402
from services.catalogue.settings import CatalogueSettings  # noqa: E402
from shared.auth import Caller, OrgType  # noqa: E402
from shared.bootstrap import published_topics  # noqa: E402
from shared.broker import delete_topics  # noqa: E402
from shared.db import create_mongo_client, database_name  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.auth import TokenMint, bearer, make_caller  # noqa: E402

GUEST_TYPES = [OrgType.soe, OrgType.government, OrgType.enterprise, OrgType.investor]
PRODUCT = {
    "title": "变电站智能巡检机器人（压测）",
    "domains": ["manufacturing"],
    "price_band": [300000, 900000],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bench:
    def __init__(self, mint: TokenMint, base_url: str) -> None:
        self.mint, self.base_url = mint, base_url
        # One small client per caller: 200 requests in flight on one pool spent more CPU
        # in the pool's bookkeeping than the server spent on a registration.
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.tokens: dict[str, dict[str, str]] = {}
        self.latencies: list[float] = []

    def of(self, caller: Caller) -> httpx.AsyncClient:
        if caller.user_id not in self.clients:
            self.clients[caller.user_id] = httpx.AsyncClient(base_url=self.base_url, timeout=120)
        return self.clients[caller.user_id]

    async def close(self) -> None:
        for c in self.clients.values():
            await c.aclose()

    def headers(self, caller: Caller) -> dict[str, str]:
        if caller.user_id not in self.tokens:
            self.tokens[caller.user_id] = bearer(self.mint.token(caller, ttl=3600))
        return self.tokens[caller.user_id]

    async def ok(self, caller: Caller, method: str, path: str, body: Any = None) -> Any:
        r = await self.of(caller).request(method, path, json=body, headers=self.headers(caller))
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    async def timed(self, caller: Caller, method: str, path: str) -> httpx.Response:
        start = time.perf_counter()
        r = await self.of(caller).request(method, path, headers=self.headers(caller))
        self.latencies.append((time.perf_counter() - start) * 1000)
        if r.status_code >= 500:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    async def count(self, op: Caller, event_id: str, state: str) -> int:
        page = await self.ok(op, "GET", f"/launches/{event_id}/registrations?state={state}&limit=1")
        return int(page["total"])


async def listed_product(b: Bench, op: Caller, ent: Caller) -> str:
    app = await b.ok(ent, "POST", "/applications", PRODUCT)
    await b.ok(ent, "POST", f"/applications/{app['id']}/submit")
    await b.ok(op, "POST", f"/applications/{app['id']}/review", {"decision": "approve"})
    code = f"bench-{uuid.uuid4().hex[:8]}"
    await b.ok(op, "POST", "/editions", {"code": code, "title": "压测批次"})
    await b.ok(op, "POST", f"/editions/{code}/entries", {"application_id": app["id"]})
    await b.ok(op, "POST", f"/editions/{code}/freeze")
    await b.ok(op, "POST", f"/editions/{code}/publish")
    return str(app["product_id"])


async def race(b: Bench, args: argparse.Namespace) -> dict[str, Any]:
    op, ent = make_caller(OrgType.operator), make_caller(OrgType.enterprise)
    pid = await listed_product(b, op, ent)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    event = await b.ok(op, "POST", "/launches", {
        "title": "智能制造新产品首发会（压测）", "domain": "manufacturing", "venue": "中关村",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "capacity": args.seats, "product_ids": [pid],
    })  # fmt: skip
    guests = [make_caller(GUEST_TYPES[i % len(GUEST_TYPES)]) for i in range(args.registrations)]
    # Warm-up (untimed): every guest's connection open and token verified once.
    await asyncio.gather(*(b.ok(g, "GET", f"/launches/{event['id']}") for g in guests))
    path = f"/launches/{event['id']}/registrations"
    answers = await asyncio.gather(*(b.timed(g, "POST", path) for g in guests))
    codes = sorted({r.status_code for r in answers})
    granted = await b.count(op, event["id"], "registered")
    waitlisted = await b.count(op, event["id"], "waitlisted")
    seats = await b.ok(op, "GET", f"/launches/{event['id']}/seats")
    head = seats["waitlist"][: args.cancel]
    holders = [
        g for g, r in zip(guests, answers, strict=True) if r.json().get("state") == "registered"
    ]
    for g in holders[: args.cancel]:
        await b.ok(g, "DELETE", f"{path}/mine")
    by_org = {g.organisation_id: g for g in guests}
    after = [await b.ok(by_org[o], "GET", f"{path}/mine") for o in head]
    promoted = sum(r["state"] == "registered" for r in after)
    lat = sorted(b.latencies)
    print(json.dumps({
        "status_codes": codes, "p50_ms": round(statistics.median(lat), 1),
        "held_after_cancel": await b.count(op, event["id"], "registered"),
        "promoted_in_fifo_order": promoted == len(head),
    }))  # fmt: skip
    return {
        "seats": args.seats,
        "registrations": args.registrations,
        "granted": granted,
        "waitlisted": waitlisted,
        "promoted_after_cancel": promoted,
        "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    run = uuid.uuid4().hex[:10]
    settings = Settings(db_prefix=f"bench_{run}", topic_prefix=f"bench-{run}.",
                        group_prefix=f"bench-{run}")  # fmt: skip
    mint = TokenMint()
    app = create_app(settings, CatalogueSettings(sweep_seconds=3600), verifier=mint.verifier(),
                     sweeper=False)  # fmt: skip
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    b = Bench(mint, f"http://127.0.0.1:{port}")
    try:
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.05)
        return await race(b, args)
    finally:
        await b.close()
        server.should_exit = True
        with contextlib.suppress(Exception):
            await serving
        client_db = create_mongo_client(settings)
        await client_db.drop_database(database_name("catalogue", settings))
        await client_db.close()
        with contextlib.suppress(Exception):
            await delete_topics(published_topics("catalogue", settings), settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--cancel", type=int, default=5)
    result = asyncio.run(main(parser.parse_args()))
    print(json.dumps(result))
