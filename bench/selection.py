"""Benchmark: a scored selection and the scenario push, over HTTP on real engines.

Selection: the scenarios service runs in this process under uvicorn on a free
127.0.0.1 port, with throw-away database/topic/index prefixes, trusting a bench signing
key (and identity's keys, for the push part), with a clock the bench moves past the
deadline. A government posts a scenario with 6 criteria; the operator publishes it in a
batch; 30 enterprises apply (揭榜); the publisher names 5 experts; after the deadline the
5 experts score all 30 proposals at once (150 scorecards on one panel aggregate); then
20 "close panel" calls race. ``closes_won`` counts the 200s. ``ranking_matches_reference``
compares the closed panel's ranking with one recomputed here, independently, from the
scores the bench sent (weights x mean(score/scale), ties: heaviest criterion's mean, lower
price, earlier submission, proposal id).

Push: identity, matching and notifications run as processes of their own (uvicorn, same
prefixes). Enterprises registered through identity publish capability records; for each
of ``--pushes`` scenarios the bench times from sending the batch publication (the
scenario's publication) to the first message about that scenario in a matched
enterprise's notifications inbox (GET /inbox polled every 20 ms): publication ->
scenarios.scenario.published -> matching -> matching.match.suggested -> scenarios push
-> notifications -> inbox. Everything is dropped afterwards. The last line printed is
one JSON object: {"proposals", "experts", "closes_won", "ranking_matches_reference",
"push_p50_ms", "push_p99_ms"}.

    uv run python bench/selection.py --pushes 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.identity.domain.credit_code import check_character  # noqa: E402
from services.identity.domain.keys import jwks  # noqa: E402
from services.scenarios.main import create_app  # noqa: E402
from services.scenarios.settings import ScenariosSettings  # noqa: E402
from shared.auth import JWKSCache, OrgType, TokenVerifier  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.auth import TokenMint, bearer, make_caller  # noqa: E402

CRITERIA = [
    {"code": "tech", "name": "技术方案", "weight": 25, "scale": 10},
    {"code": "delivery", "name": "交付能力", "weight": 20, "scale": 10},
    {"code": "team", "name": "团队", "weight": 15, "scale": 5},
    {"code": "cases", "name": "应用案例", "weight": 15, "scale": 10},
    {"code": "price", "name": "报价", "weight": 15, "scale": 10},
    {"code": "service", "name": "运维服务", "weight": 10, "scale": 5},
]
FACTS = {"qualifications": ["nmpa_reg"], "beijing_registered": True, "trl": 7}
PASSWORD = f"Bench-{uuid.uuid4().hex[:10]}-Aa1"  # throwaway users of a per-run database
log = logging.getLogger("bench.selection")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Clock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def scenario(code: str, hours: float = 2.0) -> dict[str, Any]:
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    return {
        "title": f"社区医院影像AI辅助诊断场景 {code}",
        "problem": "为社区卫生服务中心提供影像AI辅助诊断",
        "domain": "health",
        "keywords": ["影像AI", "辅助诊断", "远程阅片", code],
        "site": "房山区社区卫生服务中心",
        "budget_cny": [1_000_000, 5_000_000],
        "timeline": {"starts_on": "2027-03-01", "ends_on": "2027-09-30"},
        "requirements": {"qualifications": ["nmpa_reg"], "beijing_registered": True, "min_trl": 6},
        "criteria": CRITERIA,
        "deadline": deadline.isoformat(),
        "award_slots": 1,
    }


def reference_ranking(proposals: list[dict], sent: dict[str, list[dict[str, int]]]) -> list[str]:
    """The ranking recomputed from what the bench sent (not the service's code)."""
    heaviest = CRITERIA[0]["code"]  # 25% is the single heaviest weight
    rows = []
    for p in proposals:
        cards = sent.get(p["id"], [])
        means = {
            c["code"]: statistics.fmean(k[c["code"]] for k in cards) / c["scale"] if cards else 0.0
            for c in CRITERIA
        }
        total = round(sum(c["weight"] * means[c["code"]] for c in CRITERIA), 6)
        key = (-total, -means[heaviest], p["content"]["price_cny"], p["submitted_at"], p["id"])
        rows.append((key, p["id"]))
    return [pid for _, pid in sorted(rows)]


class Http:
    def __init__(self, base: str, mint: TokenMint) -> None:
        self.base = base
        self.client = httpx.AsyncClient(base_url=base, timeout=60)
        self.mint = mint

    async def ok(self, who: Any, method: str, path: str, body: Any = None) -> Any:
        token = who if isinstance(who, str) else self.mint.token(who)
        r = await self.client.request(method, path, json=body, headers=bearer(token))
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()


async def selection(http: Http, clock: Clock, n: int, n_experts: int, closers: int) -> dict:
    gov, op = make_caller(OrgType.government), make_caller(OrgType.operator)
    s = await http.ok(gov, "POST", "/scenarios", scenario(uuid.uuid4().hex[:6]))
    await http.ok(
        op,
        "POST",
        "/batches",
        {"year": 2099, "number": 1, "title": "压测批次", "scenario_ids": [s["id"]]},
    )
    rng = random.Random(14)
    for i in range(n):
        ent = make_caller(OrgType.enterprise)
        body = {
            "approach": f"方案{i}",
            "price_cny": 2_000_000 + rng.randrange(0, 5) * 100_000,
            "facts": FACTS,
        }
        await http.ok(ent, "POST", f"/scenarios/{s['id']}/proposals", body)
    experts = [make_caller(OrgType.university) for _ in range(n_experts)]
    panel = {"experts": [{"user_id": e.user_id, "org_id": e.organisation_id} for e in experts]}
    await http.ok(gov, "PUT", f"/scenarios/{s['id']}/panel", panel)
    clock.offset = dt.timedelta(hours=3)  # past the deadline
    proposals = (await http.ok(gov, "GET", f"/scenarios/{s['id']}/proposals?limit=100"))["items"]
    sent: dict[str, list[dict[str, int]]] = {}
    jobs = []
    for e in experts:
        for p in proposals:
            # coarse scores so equal totals occur and the tie-break is exercised
            card = {c["code"]: rng.randrange(0, c["scale"] + 1, 2) for c in CRITERIA}
            sent.setdefault(p["id"], []).append(card)
            jobs.append((e, {"proposal_id": p["id"], "scores": card}))

    async def by(expert: Any) -> None:  # each expert scores in order; the five at once
        for who, body in jobs:
            if who is expert:
                await http.ok(who, "POST", f"/scenarios/{s['id']}/scores", body)

    t0 = time.perf_counter()
    await asyncio.gather(*(by(e) for e in experts))
    scoring_s = time.perf_counter() - t0
    answers = await asyncio.gather(
        *(
            http.client.post(
                f"/scenarios/{s['id']}/panel/close", headers=bearer(http.mint.token(gov))
            )
            for _ in range(closers)
        )
    )
    won = [a for a in answers if a.status_code == 200]
    bad = [a.status_code for a in answers if a.status_code not in (200, 409)]
    ranking = [r["proposal_id"] for r in won[0].json()["ranking"]] if won else []
    log.warning(
        "selection: %d scorecards in %.1f s, closes %s, other answers %s",
        len(jobs),
        scoring_s,
        [a.status_code for a in answers].count(200),
        bad,
    )
    return {
        "proposals": len(proposals),
        "experts": n_experts,
        "closes_won": len(won),
        "ranking_matches_reference": ranking == reference_ranking(proposals, sent),
    }


class Processes:
    """Service processes (uvicorn) with the run's environment; all stopped at the end."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.started = env, logs, []  # type: ignore[var-annotated]

    def launch(self, name: str, **extra: str) -> str:
        port = free_port()
        out = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"services.{name}.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env={**self.env, **extra},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        self.started.append(proc)
        return f"http://127.0.0.1:{port}"

    async def healthy(self, url: str, within: float = 120.0) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=2) as c:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if (await c.get(f"{url}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)  # polling interval of a deadline-bounded wait
        raise TimeoutError(f"{url} not healthy; logs in {self.logs}")

    def stop(self) -> None:
        for p in self.started:
            p.terminate()
        for p in self.started:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def enterprise_profile(i: int, run: str) -> dict[str, Any]:
    first17 = f"91110108{run.upper()[:6]}{i:03d}"
    return {
        "type": "enterprise",
        "name": f"影像智能科技{run}{i}有限公司",
        "credit_code": first17 + check_character(first17),
        "district": "haidian",
        "founding_date": "2019-03-01",
        "domains": ["health"],
    }


async def push_latency(
    http: Http,
    procs: Processes,
    identity: str,
    notifications: str,
    matching: str,
    env: dict[str, str],
    pushes: int,
    n_ent: int,
) -> dict:
    run = uuid.uuid4().hex[:6]
    op_email = f"operator-{run}@bench.duijie.local"
    await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "services.identity.cli",
            "create-operator",
            "--email",
            op_email,
            "--name",
            "运营",
        ],
        cwd=REPO,
        env={**env, "DUIJIE_OPERATOR_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
    )
    async with httpx.AsyncClient(timeout=30) as c:

        async def sign_in(email: str) -> str:
            r = await c.post(f"{identity}/auth/token", json={"email": email, "password": PASSWORD})
            r.raise_for_status()
            return str(r.json()["access_token"])

        operator = await sign_in(op_email)
        tokens = []
        for i in range(n_ent):
            email = f"ent{i}-{run}@bench.duijie.local"
            admin = {"name": "管理员", "email": email, "password": PASSWORD, "role": "admin"}
            r = await c.post(
                f"{identity}/organisations",
                headers=bearer(operator),
                json={"organisation": enterprise_profile(i, run), "admin": admin},
            )
            if r.status_code != 201:
                raise RuntimeError(f"register: {r.status_code} {r.text[:300]}")
            tokens.append(await sign_in(email))
        for i, token in enumerate(tokens):
            await http.ok(
                token,
                "POST",
                "/capabilities",
                {
                    "title": f"医学影像AI辅助诊断系统 {i}",
                    "description": "肺结节、骨折影像AI辅助诊断与远程阅片",
                    "domains": ["health", "ai"],
                    "keywords": ["影像AI", "辅助诊断", "远程阅片", f"b{run}"],
                    "qualifications": ["nmpa_reg"],
                    "trl": 7,
                },
            )

        async def indexed() -> bool:
            r = await c.get(
                f"{matching}/search/capability", params={"q": f"b{run}"}, headers=bearer(tokens[0])
            )
            return r.status_code == 200 and len(r.json()["items"]) >= n_ent

        deadline = time.monotonic() + 120
        while not await indexed():
            if time.monotonic() > deadline:
                raise TimeoutError("matching never indexed the capabilities")
            await asyncio.sleep(0.2)  # polling interval of a deadline-bounded wait

        async def first_message(sid: str, t0: float, within: float = 90.0) -> tuple[float, str]:
            end = time.monotonic() + within
            while time.monotonic() < end:
                replies = await asyncio.gather(
                    *(
                        c.get(f"{notifications}/inbox", params={"limit": 20}, headers=bearer(t))
                        for t in tokens
                    )
                )
                for r in replies:
                    for m in r.json().get("items", []) if r.status_code == 200 else []:
                        if m["subject_id"] == sid:
                            return (time.perf_counter() - t0) * 1000, m["event_type"]
                await asyncio.sleep(0.02)  # 20 ms polling: adds at most that to a sample
            raise TimeoutError(f"no inbox message about {sid} within {within}s")

        gov, op = make_caller(OrgType.government), make_caller(OrgType.operator)
        samples, kinds = [], []
        for k in range(pushes):
            s = await http.ok(
                gov,
                "POST",
                "/scenarios",
                {
                    **scenario(f"b{run}", 48),
                    "keywords": ["影像AI", "辅助诊断", "远程阅片", f"b{run}"],
                },
            )
            body = {"year": 2098, "number": k + 1, "title": "推送批次", "scenario_ids": [s["id"]]}
            t0 = time.perf_counter()
            await http.ok(op, "POST", "/batches", body)
            ms, kind = await first_message(s["id"], t0)
            samples.append(ms)
            kinds.append(kind)
        log.warning(
            "push samples (ms): %s; first message types: %s",
            [round(x) for x in samples],
            sorted(set(kinds)),
        )
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        return {"push_p50_ms": round(statistics.median(samples)), "push_p99_ms": round(cuts[98])}


async def cleanup(settings: Settings, prefix: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    from shared.broker import delete_topics
    from shared.db import create_mongo_client
    from shared.search import create_search_client

    mongo, search = create_mongo_client(settings), create_search_client(settings)
    try:
        for service in ("identity", "matching", "notifications", "scenarios"):
            await mongo.drop_database(f"{prefix}_{service}")
        await search.indices.delete(
            index=f"{prefix}-*", ignore_unavailable=True, expand_wildcards="all"
        )
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
        finally:
            await admin.close()
        await delete_topics(topics, settings)
    finally:
        await mongo.close()
        await search.close()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    prefix = f"bsel{uuid.uuid4().hex[:6]}"
    settings = Settings(
        db_prefix=prefix, topic_prefix=f"{prefix}.", group_prefix=prefix, index_prefix=prefix
    )
    env = dict(
        os.environ,
        DUIJIE_TOPIC_PREFIX=f"{prefix}.",
        DUIJIE_GROUP_PREFIX=prefix,
        DUIJIE_DB_PREFIX=prefix,
        DUIJIE_INDEX_PREFIX=prefix,
        PYTHONUNBUFFERED="1",
    )
    procs = Processes(env, Path(tempfile.mkdtemp(prefix="bench-selection-")))
    mint, clock = TokenMint(), Clock()
    identity_jwks: dict[str, str] = {}

    async def keys() -> dict[str, Any]:  # the bench's key and, once running, identity's
        found = list(jwks([mint.key])["keys"])
        if identity_jwks:
            async with httpx.AsyncClient(timeout=5) as c:
                found += (await c.get(identity_jwks["url"])).json()["keys"]
        return {"keys": found}

    verifier = TokenVerifier(JWKSCache(keys, ttl=3600.0, min_refresh_interval=0.0))
    app = create_app(settings, ScenariosSettings(), clock=clock, verifier=verifier)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    http = Http(f"http://127.0.0.1:{port}", mint)
    try:
        await procs.healthy(http.base)
        out = await selection(http, clock, args.proposals, args.experts, args.closers)
        clock.offset = dt.timedelta()
        out.update(push_p50_ms=None, push_p99_ms=None)
        if args.pushes:
            identity = procs.launch("identity")
            await procs.healthy(identity)
            identity_jwks["url"] = f"{identity}/.well-known/jwks.json"
            extra = {"DUIJIE_JWKS_URL": identity_jwks["url"]}
            matching = procs.launch("matching", **extra)
            await procs.healthy(matching)
            notifications = procs.launch("notifications", **extra)
            await procs.healthy(notifications)
            out.update(
                await push_latency(
                    http,
                    procs,
                    identity,
                    notifications,
                    matching,
                    env,
                    args.pushes,
                    args.enterprises,
                )
            )
        return out
    finally:
        procs.stop()
        await http.client.aclose()
        server.should_exit = True
        await serving
        with contextlib.suppress(Exception):
            await asyncio.wait_for(cleanup(settings, prefix), 90)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=30)
    parser.add_argument("--experts", type=int, default=5)
    parser.add_argument("--closers", type=int, default=20)
    parser.add_argument("--pushes", type=int, default=20, help="0: selection only")
    parser.add_argument("--enterprises", type=int, default=3)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for noisy in ("httpx", "aiokafka", "faststream"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    result = asyncio.run(main(parser.parse_args()))
    print(json.dumps(result))
