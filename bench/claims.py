"""Benchmark: talent claims under races, over HTTP on a running talent service.

Starts the talent service under uvicorn in a process of its own on a free 127.0.0.1 port,
with throw-away database and topic prefixes (its change relay publishes to the real
Kafka), trusting a bench signing key (its JWKS passed in the environment). Then:
1. ``--agencies`` headhunters register and an operator verifies them;
2. ``--rounds`` rounds: an enterprise posts an exclusive demand and an open one (K =
   ``--open-k``); all agencies claim each at once (one request each, all in flight
   together). Winners are counted per round (201s); the claim latency is every claim
   request's time, winners and losers alike;
3. per round, the open demand's winners all submit the same person at once (spelt
   differently): exactly one 201 and the others a 409 ``duplicate_candidate`` is "ok".
Everything is dropped afterwards. The last line printed is one JSON object:
{"agencies", "exclusive_winners", "open_k", "open_winners",
 "duplicate_candidate_conflicts_ok", "p99_ms"} (winners: the per-round count if every
round agreed, else the worst round's).

    uv run python bench/claims.py --agencies 50 --rounds 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
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

from services.identity.domain.keys import jwks  # noqa: E402
from services.talent.main import create_app  # noqa: E402
from services.talent.settings import TalentSettings  # noqa: E402
from shared.auth import Caller, JWKSCache, OrgType, TokenVerifier  # noqa: E402
from shared.bootstrap import published_topics  # noqa: E402
from shared.broker import delete_topics  # noqa: E402
from shared.db import create_mongo_client, database_name  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.auth import TokenMint, bearer, make_caller  # noqa: E402

SPELLINGS = ["1381234{:04d}", "+86 138 1234 {:04d}", "138-1234-{:04d}", "0086 1381234{:04d}"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demand(mode: str, k: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "芯片验证工程师（压测）",
        "domains": ["ic"],
        "seniority": "senior",
        "deadline": (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat(),
        "claim_mode": mode,
    }
    if k is not None:
        body["open_k"] = k
    return body


def agency(i: int) -> dict[str, Any]:
    return {
        "name": f"压测猎头{i:03d}",
        "specialisms": ["ic"],
        "seniority_range": ["senior"],
        "qualifications": [{"kind": "hr_service_licence", "number": f"BENCH-{i:04d}"}],
    }


class Bench:
    def __init__(self, client: httpx.AsyncClient, mint: TokenMint, base_url: str) -> None:
        self.client, self.mint, self.base_url = client, mint, base_url
        # One small client per caller: one shared pool of 60 connections spent more CPU
        # scanning itself (httpcore's idle checks) than the server spent on a claim.
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.tokens: dict[str, dict[str, str]] = {}
        self.latencies: list[float] = []

    def of(self, caller: Caller) -> httpx.AsyncClient:
        if caller.user_id not in self.clients:
            self.clients[caller.user_id] = httpx.AsyncClient(base_url=self.base_url, timeout=60)
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

    async def timed(
        self, caller: Caller, method: str, path: str, body: Any = None
    ) -> httpx.Response:
        start = time.perf_counter()
        r = await self.of(caller).request(method, path, json=body, headers=self.headers(caller))
        self.latencies.append((time.perf_counter() - start) * 1000)
        if r.status_code >= 500:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    async def race(self, agencies: list[Caller], demand_id: str) -> list[Caller]:
        path = f"/demands/{demand_id}/claims"
        answers = await asyncio.gather(*(self.timed(a, "POST", path) for a in agencies))
        return [a for a, r in zip(agencies, answers, strict=True) if r.status_code == 201]

    async def duplicates(self, winners: list[Caller], demand_id: str, n: int) -> bool:
        path = f"/demands/{demand_id}/candidates"
        bodies = [
            {
                "name": "压测候选人",
                "phone": SPELLINGS[i % len(SPELLINGS)].format(n),
                "email": f"Bench.Person{n}@Example.cn",
            }
            for i in range(len(winners))
        ]
        answers = await asyncio.gather(
            *(
                self.of(a).post(path, json=b, headers=self.headers(a))
                for a, b in zip(winners, bodies, strict=True)
            )
        )
        codes = sorted(r.status_code for r in answers)
        conflicts = [r.json()["errors"][0]["code"] for r in answers if r.status_code == 409]
        return codes == [201] + [409] * (len(winners) - 1) and set(conflicts) <= {
            "duplicate_candidate"
        }


def verdict(counts: list[int], expected: int) -> int:
    wrong = [c for c in counts if c != expected]
    return max(wrong, key=lambda c: abs(c - expected)) if wrong else expected


def bench_settings(run: str) -> Settings:
    return Settings(
        db_prefix=f"bench_{run}", topic_prefix=f"bench-{run}.", group_prefix=f"bench-{run}"
    )


def talent_settings(rounds: int) -> TalentSettings:
    return TalentSettings(agency_max_claims=rounds * 2 + 5, sweep_seconds=3600)


def serve(args: argparse.Namespace) -> None:
    """The service process: the talent app trusting the bench's key (JWKS from the env)."""
    keys = json.loads(os.environ["BENCH_JWKS"])

    async def fetch() -> dict[str, Any]:
        return keys

    verifier = TokenVerifier(JWKSCache(fetch, ttl=3600.0, min_refresh_interval=0.0))
    app = create_app(
        bench_settings(args.run), talent_settings(args.rounds), verifier=verifier, sweeper=False
    )
    for noisy in ("httpx", "services"):  # a line per request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Keep-alive well past a round under load: the 5 s default closed idle clients'
    # connections just as they were reused (RemoteProtocolError).
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=300,
    )


async def wait_healthy(url: str, proc: asyncio.subprocess.Process, deadline: float = 60.0) -> None:
    async with httpx.AsyncClient() as client:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if proc.returncode is not None:
                raise RuntimeError(f"the talent service exited ({proc.returncode})")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{url}/healthz", timeout=1)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError("the talent service did not come up")


async def main(args: argparse.Namespace) -> dict[str, Any]:
    run = uuid.uuid4().hex[:10]
    settings = bench_settings(run)
    mint = TokenMint()
    port = free_port()
    # The service in a process of its own, so the bench's clients do not share its CPU.
    env = {**os.environ, "BENCH_JWKS": json.dumps(jwks([mint.key]))}
    cmd = [
        sys.executable,
        __file__,
        "--serve",
        "--run",
        run,
        "--port",
        str(port),
        "--rounds",
        str(args.rounds),
    ]
    proc = await asyncio.create_subprocess_exec(*cmd, env=env, cwd=REPO)
    try:
        await wait_healthy(f"http://127.0.0.1:{port}", proc)
        limits = httpx.Limits(max_connections=args.agencies + 10)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
        ) as client:
            b = Bench(client, mint, f"http://127.0.0.1:{port}")
            operator, enterprise = make_caller(OrgType.operator), make_caller(OrgType.enterprise)
            agencies = [make_caller(OrgType.headhunter) for _ in range(args.agencies)]
            for i, a in enumerate(agencies):
                await b.ok(a, "POST", "/agencies", agency(i))
                await b.ok(operator, "POST", f"/agencies/{a.organisation_id}/verify")
            # Warm-up (untimed): every agency's connection open, its token verified once.
            await asyncio.gather(*(b.ok(a, "GET", "/agencies/me") for a in agencies))
            exclusive, opened, dup_ok = [], [], []
            for n in range(args.rounds):
                d1 = await b.ok(enterprise, "POST", "/demands", demand("exclusive", None))
                exclusive.append(len(await b.race(agencies, d1["id"])))
                d2 = await b.ok(enterprise, "POST", "/demands", demand("open", args.open_k))
                winners = await b.race(agencies, d2["id"])
                opened.append(len(winners))
                dup_ok.append(len(winners) >= 2 and await b.duplicates(winners, d2["id"], n))
            await b.close()
            lat = sorted(b.latencies)
            p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
            print(
                json.dumps(
                    {
                        "claim_requests": len(lat),
                        "p50_ms": round(statistics.median(lat), 1),
                        "exclusive_rounds": exclusive,
                        "open_rounds": opened,
                    }
                )
            )
            return {
                "agencies": args.agencies,
                "exclusive_winners": verdict(exclusive, 1),
                "open_k": args.open_k,
                "open_winners": verdict(opened, args.open_k),
                "duplicate_candidate_conflicts_ok": all(dup_ok),
                "p99_ms": round(p99, 1),
            }
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
        client_db = create_mongo_client(settings)
        await client_db.drop_database(database_name("talent", settings))
        await client_db.close()
        with contextlib.suppress(Exception):
            await delete_topics(published_topics("talent", settings), settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--open-k", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments)
    else:
        result = asyncio.run(main(arguments))
        print(json.dumps(result))
