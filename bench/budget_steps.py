"""The steps of ``bench/budget.py``: each does one unavoidable piece of a record's journey
``n`` times at its best batching, on the real engines, and returns what it did.

Each step is ``async def step(ctx, n) -> list[Part]``; a :class:`Part` is one timed run
(``run``: an awaitable doing ``items`` pieces of work), measured by the caller
(``budget.py``: CPU of this process, of the engines and of the HTTP server from /proc).
Warm-up runs are done here, unmeasured, before the parts are handed back. Everything made
is named ``budget-<run>`` / ``budget_<run>`` and dropped by ``Context.close``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import CurrentCaller, JWKSCache, OrgType, TokenVerifier

ROOT = Path(__file__).resolve().parents[1]
SLICES = 3  # runs of a part that cannot do the same work twice (indexing)
JWKS_ENV = "DUIJIE_BUDGET_JWKS"  # the public keys only


@dataclass
class Part:
    """One measured run: ``items`` pieces of work in batches of ``batch``."""

    name: str
    items: int
    batch: str
    run: Callable[[int], Awaitable[Any]]  # called with the repetition (0, 1, ...)
    engines: tuple[str, ...] = ()
    server_pid: int | None = None
    warm: Callable[[], Awaitable[Any]] | None = None  # run first, unmeasured
    runs: int = 0  # 0: --repeats runs (more while busy); else exactly this many slices
    tail_s: float = 0.0  # the engines' deferred work after the run is counted this long


@dataclass
class Context:
    """Shared by the steps: settings, clients, the run's names, and what to clean up."""

    run: str
    settings: Any
    records: list[dict[str, Any]] = field(default_factory=list)  # fresh, offers and needs
    vectors: dict[str, Any] = field(default_factory=dict)  # record id -> sentence vector
    cleanup: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)

    async def close(self) -> None:
        while self.cleanup:
            undo = self.cleanup.pop()
            try:
                await undo()
            except Exception as exc:
                print(f"cleanup failed: {exc!r}", file=sys.stderr)


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# -- 1. HTTP: the tiny publish app (served by uvicorn in a child process) ---------------


class PublishBody(BaseModel):
    """The publish request's body: what a record's owner sends."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(max_length=5000)
    keywords: list[str] = Field(max_length=20)
    domains: list[str] = Field(min_length=1, max_length=5)
    attributes: dict[str, Any]


def http_app() -> FastAPI:
    """``uvicorn bench.budget_steps:http_app --factory``: one authenticated endpoint,
    verified by the project's ``TokenVerifier`` against the JWKS in ``JWKS_ENV``."""
    keys = json.loads(os.environ[JWKS_ENV])

    async def fetch() -> dict[str, Any]:
        return keys

    app = FastAPI()
    app.state.token_verifier = TokenVerifier(JWKSCache(fetch, ttl=3600.0))

    @app.post("/records/{record_id}/publish")
    async def publish(record_id: str, body: PublishBody, caller: CurrentCaller) -> dict[str, Any]:
        return {
            "id": record_id,
            "state": "published",
            "owner": caller.organisation_id,
            "title": body.title,
        }

    return app


async def http(ctx: Context, n: int, clients: int = 32) -> list[Part]:
    from services.identity.domain.keys import jwks
    from tests.support.auth import TokenMint, bearer, make_caller

    mint = TokenMint()  # signs as identity does; the server gets the public keys only
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, JWKS_ENV: json.dumps(jwks([mint.key]))}
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.budget_steps:http_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-keep-alive",  # the bench's clients idle between runs: keep them connected
        "120",
        "--log-level",
        "warning",
    ]
    server = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, env=env)

    async def stop() -> None:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)

    ctx.cleanup.append(stop)
    token = mint.token(make_caller(OrgType.university), ttl=3600)
    headers = {**bearer(token), "content-type": "application/json"}
    bodies = [
        json.dumps(
            {k: r[k] for k in ("title", "description", "keywords", "domains", "attributes")},
            ensure_ascii=False,
        ).encode()
        for r in ctx.records[:200]
    ]
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30)
    ctx.cleanup.append(client.aclose)

    async def post(i: int) -> None:
        r = await client.post(
            f"/records/r{i}/publish", content=bodies[i % len(bodies)], headers=headers
        )
        if r.status_code != 200:
            raise RuntimeError(f"publish answered {r.status_code}: {r.text[:200]}")

    deadline = time.monotonic() + 30
    while True:  # the server is up when it answers
        try:
            await post(0)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or server.returncode is not None:
                raise
            await asyncio.sleep(0.1)

    async def burst(count: int) -> None:
        todo = iter(range(count))

        async def worker() -> None:
            for i in todo:
                await post(i)

        await asyncio.gather(*(worker() for _ in range(clients)))

    await burst(max(n // 4, 200))  # warm-up
    return [
        Part("http", n, f"{clients} keep-alive clients", lambda _k: burst(n), server_pid=server.pid)
    ]


# -- 2. the aggregate store (FerretDB) ----------------------------------------------------


class StoredRecord(BaseModel):
    """A record's state as a service keeps it (the record's fields as they are)."""

    model_config = ConfigDict(extra="allow")
    id: str = ""


OWNER = {"organisation_id": "budget-org", "name": "北京某大学技术转移中心", "district": "haidian",
         "user_id": "budget-user", "user_name": "预算"}  # fmt: skip


def _envelope(rec: dict[str, Any], tag: str) -> Any:
    from shared.events import Envelope

    now = dt.datetime.now(dt.UTC)
    return Envelope(
        id=uuid.uuid4().hex,
        source="/duijie/techtransfer",
        subject=rec["id"],
        type=f"techtransfer.{rec['kind'].split('_')[1]}.published",
        time=now,
        dataschema=f"urn:duijie:techtransfer.{rec['kind'].split('_')[1]}.published:v1",
        data={**rec, "id": f"{tag}{rec['id']}", "owner": OWNER, "state": "published",
              "created_at": now.isoformat(), "updated_at": now.isoformat()},
        version=1,
        correlationid=uuid.uuid4().hex,
        traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
    )  # fmt: skip


async def _mongo_db(ctx: Context, name: str) -> Any:
    from shared.db import create_mongo_client

    client = create_mongo_client(ctx.settings)
    db = client[f"budget_{ctx.run}_{name}"]

    async def drop() -> None:
        await client.drop_database(db.name)
        await client.close()

    ctx.cleanup.append(drop)
    return db


async def store(ctx: Context, n: int, batch: int, concurrency: int = 64) -> list[Part]:
    from shared import relay
    from shared.store import MongoAggregateStore

    db = await _mongo_db(ctx, "store")
    relay.needs_nudge = lambda _db: False  # type: ignore[assignment] # as the relay's leader saves
    agg = MongoAggregateStore(db, "tech_offer", StoredRecord, source="budget")
    records = ctx.records

    async def saves(tag: str, count: int) -> None:
        todo = iter(range(count))

        async def saver() -> None:
            for i in todo:
                rec = records[i % len(records)]
                state = StoredRecord.model_validate({**rec, "state": "published"})
                await agg.create(f"{tag}{i}", state, [_envelope(rec, tag)])

        await asyncio.gather(*(saver() for _ in range(concurrency)))

    async def inserts(tag: str, count: int) -> None:
        for part in chunks(list(range(count)), batch):  # the change rows alone, `batch` a call
            docs = []
            for i in part:
                rec = records[i % len(records)]
                state = agg.to_doc(f"{tag}{i}", StoredRecord.model_validate(rec), 1)
                docs.append(
                    {
                        "_id": f"tech_offer:{tag}{i}:1",
                        "kind": "tech_offer",
                        "agg": f"{tag}{i}",
                        "v": 1,
                        "collection": "tech_offer",
                        "at": dt.datetime.now(dt.UTC),
                        "state": state,
                        "events": [_envelope(rec, tag).model_dump(mode="json")],
                    }
                )
            await db["changes_raw"].insert_many(docs, ordered=False)

    await saves("w", 200)
    await inserts("w", 2 * batch)
    return [
        Part(
            "store saves",
            n,
            f"{concurrency} concurrent saves (group commit)",
            lambda k: saves(f"s{k}-", n),
            ("ferretdb",),
        ),
        Part("store insert_many", n, str(batch), lambda k: inserts(f"i{k}-", n), ("ferretdb",)),
    ]


# -- 3. Kafka: one hop = produce + consume one ~1 KB event ------------------------------


async def kafka(ctx: Context, n: int, linger_ms: int = 50) -> list[Part]:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from shared.events import Envelope

    boot = ctx.settings.kafka_bootstrap
    topic = f"budget-{ctx.run}.records"
    admin = AIOKafkaAdminClient(bootstrap_servers=boot)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])

    async def drop() -> None:
        await admin.delete_topics([topic])
        await admin.close()

    ctx.cleanup.append(drop)
    events = [_envelope(r, "k") for r in ctx.records]
    size = sum(len(e.model_dump_json().encode()) for e in events) / len(events)
    producer = AIOKafkaProducer(
        bootstrap_servers=boot,
        acks="all",
        enable_idempotence=True,
        linger_ms=linger_ms,
        max_batch_size=1 << 20,
    )
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=boot,
        group_id=f"budget-{ctx.run}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 << 20,
    )
    await producer.start()
    await consumer.start()
    ctx.cleanup += [producer.stop, consumer.stop]

    async def hop(count: int) -> None:
        sent = []
        for i in range(count):
            e = events[i % len(events)]
            sent.append(
                await producer.send(topic, e.model_dump_json().encode(), key=e.subject.encode())
            )
        await asyncio.gather(*sent)
        got = 0
        while got < count:
            found = await consumer.getmany(timeout_ms=1000, max_records=2000)
            for msgs in found.values():
                for m in msgs:
                    Envelope.model_validate_json(m.value)
                got += len(msgs)
            await consumer.commit()

    await hop(1000)
    return [
        Part(
            "kafka hop",
            n,
            f"linger {linger_ms} ms, getmany ≤2000, {size:.0f} B events",
            lambda _k: hop(n),
            ("kafka",),
        )
    ]


# -- 4. embedding, 5. index, 6. search (OpenSearch) --------------------------------------


async def embedding(ctx: Context, n: int, batch: int) -> list[Part]:
    from services.matching.ranking import projection, semantic

    recs = ctx.records[:n]
    passages = [projection.passage_of(r) for r in recs]
    semantic.model().encode(["预热一下", "warm up"])

    async def encode(size: int, count: int) -> None:
        for part in chunks(list(range(count)), size):
            vectors = semantic.model().encode([passages[i] for i in part])
            for i, v in zip(part, vectors, strict=True):
                ctx.vectors[recs[i]["id"]] = v

    one = min(100, n)
    return [
        Part("embedding", n, str(batch), lambda _k: encode(batch, n)),
        Part("embedding one by one", one, "1", lambda _k: encode(1, one)),
    ]


async def opensearch(ctx: Context, n: int, batch: int, queries: int) -> list[Part]:
    """Bulk-index the projected records (``SearchProjection._bulk_put``: one refreshed
    ``_bulk`` a call), then forward rankings and percolations through ``_msearch`` of 50
    (the first ``queries`` indexed records of each kind; every body built in the run)."""
    from services.matching.ranking import (
        DEFAULT_PARAMS,
        PAIRS,
        REVERSE_PAIRS,
        build_match_query,
        build_percolate_query,
        projection,
        standing_hits,
    )
    from services.matching.settings import MatchingSettings
    from services.matching.storage.search import SearchProjection
    from services.matching.usecases.pairing import FULL_SOURCE, match_body
    from shared.search import create_search_client

    client = create_search_client(ctx.settings, timeout=120)
    search = SearchProjection(client, f"budget-{ctx.run}")
    plain = SearchProjection(client, f"budget-{ctx.run}-plain")  # documents without vectors
    ctx.cleanup += [client.close, search.drop_all, plain.drop_all]
    await search.ensure_indexes(("tech_offer", "tech_need"))
    await plain.ensure_indexes(("tech_offer", "tech_need"))
    ms = MatchingSettings()
    lexical = DEFAULT_PARAMS.but(semantic_weight=0)
    docs: list[dict[str, Any]] = []

    async def project(recs: list[dict[str, Any]]) -> None:
        for r in recs:
            doc = projection.to_index_doc(r, vector=ctx.vectors.get(r["id"]))
            doc["owner_org_id"] = "budget-org"
            docs.append(doc)

    async def index(part: list[dict[str, Any]], to: SearchProjection = search) -> int:
        for group in chunks(part, batch):
            items = [(to.alias(d["kind"]), d, 1) for d in group]
            for outcome in await to._bulk_put(items):
                if isinstance(outcome, BaseException) or outcome is None:
                    raise RuntimeError(f"bulk item failed: {outcome!r}")
        return len(part)

    def forward(d: dict[str, Any]) -> dict[str, Any]:
        return match_body(d, ms.ranked_depth)

    def forward_lexical(d: dict[str, Any]) -> dict[str, Any]:  # a lever, not the service's
        return build_match_query(d, size=ms.ranked_depth, params=lexical, highlight=False)

    def clause_of(body: dict[str, Any]) -> dict[str, Any]:
        """The body's percolate clause (a filter: the service's body does not score it)."""
        query = body["query"]["bool"]
        (found,) = [c["percolate"] for c in query["filter"] if "percolate" in c]
        return found

    def percolate(d: dict[str, Any], words_only: bool = False) -> dict[str, Any]:
        body = build_percolate_query(d, size=ms.candidate_demands)
        body["_source"] = FULL_SOURCE
        if words_only:  # the standing query reads words_seg alone: a lever, not the service's
            query = clause_of(body)
            query["document"] = {"words_seg": query["document"]["words_seg"]}
        return body

    def searches(name: str, kind: str, build: Callable, index: str = "", k: int = 0) -> Part:
        """Bodies ``build(doc)`` for the first ``k`` indexed docs of ``kind``, 50 an msearch."""
        k = k or queries
        target = index or search.alias({**PAIRS, **REVERSE_PAIRS}[kind])

        async def send() -> None:
            sources = [d for d in docs if d["kind"] == kind][:k]
            bodies = [build(d) for d in sources]
            out: list[Any] = []
            for group in chunks(bodies, 50):
                out += await search._msearch([(target, b) for b in group])
            for d, r in zip(sources, out, strict=True):
                if isinstance(r, BaseException):
                    raise r
                if kind == "tech_offer":  # the percolator's hits are checked in Python
                    standing_hits(d, [h["_source"] for h in r["hits"]["hits"]])

        items = min(k, sum(1 for r in ctx.records[: 200 + n] if r["kind"] == kind))
        return Part(name, items, "msearch 50", lambda _k: send(), ("opensearch",), warm=send)

    warm = ctx.records[:200]
    await project(warm)
    await index(docs)
    fresh = ctx.records[200 : 200 + n]

    def without_vector(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in ("embedding", "semantic")}

    await index([without_vector(d) for d in docs], plain)  # its warm-up

    def sliced(k: int, plain_docs: bool = False) -> Awaitable[int]:
        """Slice ``k`` of ``SLICES`` of the fresh documents into the indices (plain: without
        vectors, a lever: what a design without sentence vectors writes): each run its own
        documents, so the cheapest of the runs can be kept."""
        mine = docs[len(warm) :][k::SLICES]
        return index([without_vector(d) for d in mine] if plain_docs else mine,
                     plain if plain_docs else search)  # fmt: skip

    async def percolate_grouped() -> None:  # a lever: one percolation of 50 documents
        supplies = [d for d in docs if d["kind"] == "tech_offer"][:queries]
        bodies = []
        for group in chunks(supplies, 50):
            body = percolate(group[0])
            clause = clause_of(body)
            clause.pop("document")
            clause["documents"] = [clause_of(percolate(d))["document"] for d in group]
            body["size"] = ms.candidate_demands * len(group)
            bodies.append(body)
        for r in await search._msearch([(search.alias("tech_need"), b) for b in bodies]):
            if isinstance(r, BaseException):
                raise r

    large = [
        searches(f"forward @{size // 1000}k docs", "tech_need", forward, name, min(queries, 200))
        for name, size in await _largest(client, "bench-matching-*")
    ]
    return [
        Part("projection", n, "1", lambda _k: project(fresh), runs=1),
        Part("index", n, f"{batch} (refresh each)", sliced, ("opensearch",), tail_s=1.0,
             runs=SLICES),
        Part("index without vector", n, f"{batch} (refresh each)",
             lambda k: sliced(k, plain_docs=True), ("opensearch",), tail_s=1.0, runs=SLICES),
        searches("forward", "tech_need", forward),
        searches("percolate", "tech_offer", percolate),
        searches("forward lexical", "tech_need", forward_lexical),
        searches("percolate words", "tech_offer", lambda d: percolate(d, words_only=True)),
        Part("percolate 50 docs", min(queries, sum(d["kind"] == "tech_offer" for d in fresh)),
             "50 documents a query", lambda _k: percolate_grouped(), ("opensearch",),
             warm=percolate_grouped),
        *large,
    ]  # fmt: skip


async def _largest(client: Any, pattern: str) -> list[tuple[str, int]]:
    """The largest index matching ``pattern`` and its size (none: an empty list)."""
    found = await client.cat.indices(index=pattern, format="json", ignore=[404])
    sized = [(i["index"], int(i["docs.count"])) for i in found if isinstance(i, dict)]
    return sorted(sized, key=lambda x: -x[1])[:1]


# -- 7. the inbox (FerretDB) ---------------------------------------------------------------


async def inbox(ctx: Context, n: int, batch: int) -> list[Part]:
    from services.notifications.domain.records import Message
    from services.notifications.storage.messages import MongoMessageRepository

    db = await _mongo_db(ctx, "inbox")
    repo = MongoMessageRepository(db)
    now = dt.datetime.now(dt.UTC)

    def messages(tag: str, count: int) -> list[Message]:
        out = []
        for i in range(count):
            r = ctx.records[i % len(ctx.records)]
            out.append(
                Message(
                    id=f"{tag}{i}",
                    user_id=f"user-{i % 500}",
                    organisation_id="budget-org",
                    event_id=uuid.uuid4().hex,
                    event_type="matching.pair.suggested",
                    category="match",
                    title="新的匹配建议：" + r["title"],
                    body=r["description"][:200],
                    link=f"/matches/{tag}{i}",
                    subject_kind="pair",
                    subject_id=f"{tag}{i}",
                    language="zh-CN",
                    created_at=now,
                )
            )
        return out

    async def inserts(tag: str, count: int) -> None:
        for part in chunks(messages(tag, count), batch):
            docs = [{"_id": m.id, **m.model_dump(exclude={"id"})} for m in part]
            await db["messages_raw"].insert_many(docs, ordered=False)

    async def add_many(tag: str, count: int) -> None:
        for part in chunks(messages(tag, count), batch):
            await repo.add_many(part)

    await inserts("w", 2 * batch)
    await add_many("w", 2 * batch)
    return [
        Part("inbox insert_many", n, str(batch), lambda k: inserts(f"i{k}-", n), ("ferretdb",)),
        Part(
            "inbox add_many",
            n,
            f"{batch} (+ keyed lists)",
            lambda k: add_many(f"a{k}-", n),
            ("ferretdb",),
        ),
    ]
