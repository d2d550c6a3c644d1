"""Benchmark: the whole pipeline, from a published tech record to the counterpart's inbox.

With the local stack up (``make up``; URLs from ``python -m deploy.local status --json``):
1. an operator (the demo one unless ``--operator-email``) registers one bench university
   (offers) and ``--demanders`` bench enterprises (needs), each with an admin user;
2. the *floor*: one aiokafka produce→consume hop + one OpenSearch query + one MongoDB
   insert, sequential, ``--floor-samples`` times, on the same engines;
3. a warm-up pair per enterprise (until its suggestion arrives: recipients known);
4. ``--records`` records (``records/2`` synthetic need/offer pairs) at ``--rate`` records/s,
   each created then published over HTTP. A pair shares distinctive words (jieba
   dictionary words drawn without replacement, plus a code) and compatible TRL/modes, and
   shares nothing with any other pair, so each pair has exactly one known counterpart.
   Latency per pair: from the HTTP publish of its later record returning until the
   enterprise's inbox lists the ``matching.match.suggested`` message about the offer.
   One poller per enterprise reads ``GET /inbox?unread=true`` page by page (long polling:
   ``wait=--long-poll`` on the first page, answered as soon as a message is stored) and marks
   what it saw read (in the background). A Kafka tap on the record and match topics keeps
   each event's CloudEvents ``time`` and broker timestamp to split the latency in stages.
5. bench records are withdrawn afterwards (``--keep`` leaves them).

Everything is bounded: ``--deadline`` after the last publish, default run under 3 min.
The last line printed is one JSON object (p50_ms, p95_ms, p99_ms, floor_p99_ms,
p99_ratio, sustained_rps, lost, records, stages, ...).

    uv run python bench/pipeline.py --rate 40 --records 2000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.identity.domain.credit_code import ALPHABET, check_character  # noqa: E402
from shared.broker import PRODUCER_DURABILITY, delete_topics, ensure_topics  # noqa: E402
from shared.db import create_mongo_client  # noqa: E402
from shared.events import topic_name  # noqa: E402
from shared.search import create_search_client  # noqa: E402
from shared.settings import Settings  # noqa: E402

PASSWORD = "Bench-Pipeline-2024"  # throwaway bench users on the local stack
SUGGESTED = "matching.match.suggested"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


# ---- the stack ------------------------------------------------------------------------


def discover() -> dict[str, Any]:
    """Engine and service URLs from ``deploy.local status --json`` (its last line)."""
    out = subprocess.run(
        [sys.executable, "-m", "deploy.local", "status", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    status = json.loads(out.stdout.strip().splitlines()[-1])
    down = [n for group in ("engines", "services") for n, v in status[group].items()
            if n in ("kafka", "opensearch", "ferretdb", "identity", "techtransfer", "matching",
                     "notifications") and not v.get("healthy")]  # fmt: skip
    if down:
        raise SystemExit(f"not healthy: {', '.join(down)} (run `make up`)")
    return status


def settings_from(status: dict[str, Any]) -> Settings:
    """The stack's settings (prefixes from the environment, addresses from status)."""
    engines = status["engines"]
    return Settings(
        kafka_bootstrap=engines["kafka"]["url"],
        opensearch_url=engines["opensearch"]["url"],
        mongo_url=engines["ferretdb"]["url"],
    )


async def backlog(settings: Settings) -> int:
    """Events not yet consumed by matching (record topics) and notifications (matches)."""
    from aiokafka.admin import AIOKafkaAdminClient

    groups = {f"{settings.group_prefix}.matching.techtransfer.{k}": f"techtransfer.{k}"
              for k in ("need", "offer")}  # fmt: skip
    groups[f"{settings.group_prefix}.notifications.matching.match"] = "matching.match"
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    await consumer.start()
    try:
        lag = 0
        for group, topic in groups.items():
            offsets = await admin.list_consumer_group_offsets(group)
            mine = {tp: o.offset for tp, o in offsets.items()
                    if tp.topic == topic_name(topic, settings)}  # fmt: skip
            ends = await consumer.end_offsets(list(mine)) if mine else {}
            lag += sum(max(0, ends[tp] - off) for tp, off in mine.items())
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def wait_idle(settings: Settings, limit: float) -> int:
    """Wait (bounded) until earlier work is consumed; a backlog would inflate latency."""
    deadline = time.monotonic() + limit
    while (pending := await backlog(settings)) and time.monotonic() < deadline:
        print(f"waiting for the pipeline to go idle: {pending} events not yet consumed")
        await asyncio.sleep(5)
    return pending


# ---- synthetic pairs --------------------------------------------------------------------


def word_pool(seed: int) -> list[str]:
    """Common two- to four-character words of jieba's dictionary, shuffled."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if 2 <= len(word) <= 4 and int(freq) >= 300 and re.fullmatch(r"[\u4e00-\u9fff]+", word):
            words.append(word)
    random.Random(seed).shuffle(words)
    return words


def pair_contents(words: list[str], code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A need and an offer sharing three words and a code, nothing generic between them."""
    w1, w2, w3, w4, w5 = words
    need = {
        "title": f"{w1} {w2} {w3} 需求 {code}",
        "description": f"寻求合作：{w1}、{w4}，{code}",
        "domains": ["ai"], "keywords": [w1, w2, code],
        "cooperation_modes": ["license", "joint_dev"], "min_trl": 5,
    }  # fmt: skip
    offer = {
        "title": f"{w1} {w2} {w3} 成果 {code}",
        "description": f"成果转化：{w2}、{w5}，{code}",
        "domains": ["ai"], "keywords": [w1, w2, code],
        "cooperation_modes": ["license"], "trl": 7, "ip": 1,
    }  # fmt: skip
    return need, offer


@dataclass
class Pair:
    index: int
    org: int  # which bench enterprise owns the need
    need: dict[str, Any]
    offer: dict[str, Any]
    need_first: bool
    ids: dict[str, str] = field(default_factory=dict)  # kind -> record id
    published: dict[str, float] = field(default_factory=dict)  # kind -> epoch at return
    seen: float | None = None
    created_at: float | None = None
    messages: int = 0
    failed: str | None = None

    @property
    def complete(self) -> bool:
        return len(self.published) == 2

    @property
    def last_kind(self) -> str:
        return max(self.published, key=lambda k: self.published[k])

    @property
    def start(self) -> float:
        return max(self.published.values())


# ---- HTTP -------------------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_in(client: httpx.AsyncClient, identity: str, email: str, password: str) -> str:
    r = await client.post(f"{identity}/auth/token", json={"email": email, "password": password})
    r.raise_for_status()
    return str(r.json()["access_token"])


def credit_code(rng: random.Random) -> str:
    first17 = "91110108" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return first17 + check_character(first17)


async def register(
    client: httpx.AsyncClient, identity: str, operator: str, profile: dict[str, Any], email: str
) -> tuple[str, str]:
    """Register an organisation with its admin; returns (organisation id, admin token)."""
    admin = {"name": "压测管理员", "email": email, "password": PASSWORD, "role": "admin"}
    body = {"organisation": profile, "admin": admin}
    r = await client.post(f"{identity}/organisations", json=body, headers=bearer(operator))
    if r.status_code != 201:
        raise SystemExit(f"registering {profile['name']}: {r.status_code} {r.text}")
    return r.json()["organisation"]["id"], await sign_in(client, identity, email, PASSWORD)


async def publish_record(
    client: httpx.AsyncClient, base: str, token: str, kind: str, content: dict[str, Any]
) -> tuple[str, float]:
    """Create a draft, then publish it; returns (id, epoch when the publish returned)."""
    path = f"{base}/{kind}s"
    r = await client.post(path, json=content, headers=bearer(token))
    r.raise_for_status()
    rid = str(r.json()["id"])
    r = await client.post(f"{path}/{rid}/publish", headers=bearer(token))
    r.raise_for_status()
    return rid, time.time()


# ---- the Kafka tap (stage timestamps) ------------------------------------------------------


class Tap:
    """Reads the record and match topics from their end; keeps event and broker times."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = [topic_name(t, settings) for t in
                       ("techtransfer.need", "techtransfer.offer", "matching.match")]  # fmt: skip
        self.records: dict[str, tuple[float, float]] = {}  # record id -> (ce time, kafka ts)
        self.matches: dict[tuple[str, str], tuple[float, float]] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap, group_id=None,
            enable_auto_commit=False, fetch_max_wait_ms=50,
        )  # fmt: skip
        await consumer.start()
        consumer.subscribe(self.topics)  # no group: every partition, from the end
        deadline = time.monotonic() + 30
        while len({tp.topic for tp in consumer.assignment()}) < len(self.topics):
            if time.monotonic() > deadline:
                raise SystemExit(f"tap: no partitions of {self.topics} assigned in 30 s")
            await asyncio.sleep(0.05)
        for tp in consumer.assignment():
            await consumer.position(tp)
        self._consumer = consumer
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=200, max_records=1000)
            for messages in batches.values():
                for msg in messages:
                    self._keep(json.loads(msg.value), msg.timestamp / 1000)

    def _keep(self, event: dict[str, Any], kafka_ts: float) -> None:
        kind = event.get("type", "")
        if kind.startswith("techtransfer.") and kind.endswith(".published"):
            self.records.setdefault(event["subject"], (epoch(event["time"]), kafka_ts))
        elif kind == SUGGESTED:
            data = event.get("data", {})
            key = (data.get("demand_id"), data.get("supply_id"))
            self.matches.setdefault(key, (epoch(event["time"]), kafka_ts))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()


# ---- inbox pollers ------------------------------------------------------------------------


class InboxPoller:
    """One per bench enterprise: unread pages, newest first, until its pairs have arrived.

    Every suggestion message is kept by the offer it links (first seen, created_at, count),
    so a message that arrives before the sender has noted the offer's id is not missed.
    """

    def __init__(
        self, client: httpx.AsyncClient, base: str, token: str, interval: float, wait: float
    ):
        self.client, self.base, self.token, self.interval = client, base, token, interval
        self.wait = wait  # long polling: the service answers as soon as a message is stored
        self.pairs: list[Pair] = []
        self.seen: dict[str, tuple[float, float]] = {}  # offer id -> (seen, created_at)
        self.count: dict[str, int] = {}  # offer id -> suggestion messages
        self.message_ids: set[str] = set()
        self.to_mark: asyncio.Queue[str] = asyncio.Queue()
        self.polls = 0

    async def poll_once(self) -> int:
        new, cursor = 0, None
        while True:
            params: dict[str, Any] = {"unread": "true", "limit": 100}
            if cursor:
                params["cursor"] = cursor
            elif self.wait:
                params["wait"] = self.wait
            r = await self.client.get(f"{self.base}/inbox", params=params,
                                      headers=bearer(self.token))  # fmt: skip
            now = time.time()
            self.polls += 1
            r.raise_for_status()
            page = r.json()
            for m in page["items"]:
                if m["id"] in self.message_ids:
                    continue
                self.message_ids.add(m["id"])
                self.to_mark.put_nowait(m["id"])
                new += 1
                if m["event_type"] == SUGGESTED:
                    offer = m["subject_id"]
                    self.seen.setdefault(offer, (now, epoch(m["created_at"])))
                    self.count[offer] = self.count.get(offer, 0) + 1
            cursor = page["next_cursor"]
            if not cursor:
                return new

    def waiting(self) -> int:
        return sum(1 for p in self.pairs if p.complete and p.ids["offer"] not in self.seen)

    async def run(self, sent: asyncio.Event, deadline: list[float]) -> None:
        while time.monotonic() < deadline[0]:
            if sent.is_set() and not self.waiting():
                return
            if not await self.poll_once():
                await asyncio.sleep(self.interval)

    async def mark_read(self) -> None:
        while True:
            mid = await self.to_mark.get()
            with contextlib.suppress(httpx.HTTPError):
                await self.client.post(f"{self.base}/inbox/{mid}/read",
                                       headers=bearer(self.token))  # fmt: skip

    def settle(self) -> None:
        """Copy what arrived onto the pairs."""
        for p in self.pairs:
            offer = p.ids.get("offer")
            if offer in self.seen:
                p.seen, p.created_at = self.seen[offer]
                p.messages = self.count[offer]


# ---- the floor ------------------------------------------------------------------------------


async def floor(settings: Settings, samples: int) -> list[float]:
    """Kafka produce→consume + OpenSearch query + MongoDB insert, sequential, per sample."""
    run = uuid.uuid4().hex[:8]
    topic = topic_name(f"bench.floor.{run}", settings)
    await ensure_topics([topic], settings, partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, linger_ms=1,
                                **PRODUCER_DURABILITY)  # fmt: skip
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=None,
                                enable_auto_commit=False, fetch_max_wait_ms=50)  # fmt: skip
    search = create_search_client(settings)
    mongo = create_mongo_client(settings)
    db_name = f"{settings.db_prefix}_bench_floor_{run}"
    col = mongo[db_name]["samples"]
    index = f"{settings.index_prefix}-matching-tech-offer"
    text = {"query": "大模型 知识库 检索", "fields": ["title_seg", "description_seg"]}
    published = {"term": {"status": "published"}}
    query = {"size": 20, "query": {"bool": {"must": {"multi_match": text}, "filter": published}}}
    out: list[float] = []
    try:
        await producer.start()
        await consumer.start()
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_end(tp)
        await consumer.position(tp)
        for i in range(samples + 20):  # 20 warm-up samples are dropped
            t0 = time.perf_counter()
            await producer.send_and_wait(topic, b'{"i":%d}' % i, key=b"floor")
            await asyncio.wait_for(consumer.getone(), 10)
            await search.search(index=index, body=query)
            await col.insert_one({"i": i, "run": run, "at": dt.datetime.now(dt.UTC)})
            if i >= 20:
                out.append(time.perf_counter() - t0)
    finally:
        await producer.stop()
        await consumer.stop()
        await search.close()
        await mongo.drop_database(db_name)
        await mongo.close()
        await delete_topics([topic], settings)
    return out


# ---- the run --------------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    urls: dict[str, str]
    client: httpx.AsyncClient
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    university: str = ""
    orgs: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)  # tokens[0] the university's
    errors: list[str] = field(default_factory=list)
    pollers: list[InboxPoller] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)  # every pair sent (to withdraw)
    saturated: int | None = None  # records sent when the sender stopped early

    def outstanding(self) -> int:
        return sum(p.waiting() for p in self.pollers)

    async def setup(self) -> None:
        a, identity, rng = self.args, self.urls["identity"], random.Random(self.run)
        operator = await sign_in(self.client, identity, a.operator_email, a.operator_password)
        uni, tok = await register(self.client, identity, operator,
            {"type": "university", "name": f"压测大学 {self.run}", "kind": "university",
             "domains": ["ai"]}, f"bench-{self.run}-uni@bench.duijie.local")  # fmt: skip
        self.university, self.tokens = uni, [tok]
        for i in range(a.demanders):
            profile = {"type": "enterprise", "name": f"压测企业 {self.run}-{i}",
                       "credit_code": credit_code(rng), "district": "haidian",
                       "founding_date": "2019-05-04", "domains": ["ai"]}  # fmt: skip
            email = f"bench-{self.run}-ent{i}@bench.duijie.local"
            org, tok = await register(self.client, identity, operator, profile, email)
            self.orgs.append(org)
            self.tokens.append(tok)

    async def post(self, pair: Pair, kind: str) -> None:
        token = self.tokens[0] if kind == "offer" else self.tokens[1 + pair.org]
        content = pair.offer if kind == "offer" else pair.need
        try:
            rid, at = await publish_record(self.client, self.urls["techtransfer"], token, kind,
                                           content)  # fmt: skip
        except httpx.HTTPError as exc:
            pair.failed = f"{kind}: {exc!r}"[:200]
            self.errors.append(pair.failed)
            return
        pair.ids[kind] = rid
        pair.published[kind] = at


def make_pairs(words: list[str], n: int, orgs: int, code: str) -> list[Pair]:
    """``n`` pairs spread over ``orgs`` enterprises; half publish the need first."""
    pairs = []
    for i in range(n):
        need, offer = pair_contents(words[5 * i : 5 * i + 5], f"{code}x{i:05d}")
        pairs.append(Pair(i, i % orgs, need, offer, need_first=i % 2 == 0))
    return pairs


async def drive(bench: Bench, pairs: list[Pair], rate: float) -> float:
    """Send every record at ``rate`` (open loop, bounded in flight); returns the seconds.

    Stops early (``bench.saturated``) after ``--send-seconds`` or when more than
    ``--max-outstanding`` published pairs wait for their suggestion: the stack fell
    behind, and sending on would only leave it a backlog to chew on after the run.
    """
    gate = asyncio.Semaphore(bench.args.concurrency)
    order = [(p, k) for p in pairs
             for k in (("need", "offer") if p.need_first else ("offer", "need"))]  # fmt: skip

    async def one(pair: Pair, kind: str) -> None:
        async with gate:
            await bench.post(pair, kind)

    tasks = []
    t0 = time.perf_counter()
    for j, (pair, kind) in enumerate(order):
        late = time.perf_counter() - t0 > bench.args.send_seconds
        if late or (j % 10 == 0 and bench.outstanding() > bench.args.max_outstanding):
            bench.saturated = j
            break
        delay = t0 + j / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(pair, kind)))
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0


async def wait_arrivals(pollers: list[InboxPoller], sent: asyncio.Event, limit: float) -> None:
    deadline = [time.monotonic() + limit]
    await asyncio.gather(*(p.run(sent, deadline) for p in pollers))


async def withdraw_all(bench: Bench, pairs: list[Pair], limit: float) -> int:
    """Take the bench records out of the live indices again (bounded in time)."""
    gate, base = asyncio.Semaphore(16), bench.urls["techtransfer"]

    async def one(pair: Pair, kind: str, rid: str) -> bool:
        token = bench.tokens[0] if kind == "offer" else bench.tokens[1 + pair.org]
        async with gate:
            r = await bench.client.post(f"{base}/{kind}s/{rid}/withdraw", headers=bearer(token))
            return r.status_code == 200

    jobs = [one(p, k, rid) for p in pairs for k, rid in p.ids.items() if k in p.published]
    try:
        done = await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), limit)
    except TimeoutError:
        return -1
    return sum(1 for d in done if d is True)


def stages(pairs: list[Pair], tap: Tap) -> dict[str, list[float]]:
    """Split each arrived pair's latency at the events' timestamps (same clock)."""
    out: dict[str, list[float]] = {k: [] for k in STAGES}
    for p in pairs:
        recs = [tap.records.get(p.ids[k]) for k in ("need", "offer")]
        match = tap.matches.get((p.ids["need"], p.ids["offer"]))
        if p.seen is None or p.created_at is None or match is None or None in recs:
            continue
        last_event = max(recs, key=lambda r: r[1])  # type: ignore[index]
        relayed = last_event[1]  # type: ignore[index]
        out["techtransfer: event time -> Kafka"].append(relayed - last_event[0])  # type: ignore[index]
        out["techtransfer: publish returned -> Kafka"].append(relayed - p.start)
        out["matching: consumed + ranked + stored"].append(match[0] - relayed)
        out["matching: outbox -> Kafka"].append(match[1] - match[0])
        out["notifications: Kafka -> inbox message"].append(p.created_at - match[1])
        out["bench: message -> seen by poller"].append(p.seen - p.created_at)
    return out


STAGES = (
    "techtransfer: event time -> Kafka",
    "techtransfer: publish returned -> Kafka",
    "matching: consumed + ranked + stored",
    "matching: outbox -> Kafka",
    "notifications: Kafka -> inbox message",
    "bench: message -> seen by poller",
)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    status = discover()
    urls = {name: v["url"] for name, v in status["services"].items()}
    settings = settings_from(status)
    n_pairs = args.records // 2
    words = word_pool(args.seed)
    need_words = 5 * (n_pairs + args.demanders)
    if len(words) < need_words:
        raise SystemExit(f"{n_pairs} pairs need {need_words} words, the pool has {len(words)}")
    limits = httpx.Limits(max_connections=args.concurrency + 16, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        bench = Bench(args, urls, client)
        await bench.setup()
        print(f"run {bench.run}: university {bench.university}, enterprises {bench.orgs}")
        pending = await wait_idle(settings, args.idle_timeout)
        floor_lat = await floor(settings, args.floor_samples)
        print(f"floor: p50 {ms(pct(floor_lat, 0.5))} ms  p99 {ms(pct(floor_lat, 0.99))} ms")
        tap = Tap(settings)
        await tap.start()
        base = urls["notifications"]
        pollers = [InboxPoller(client, base, tok, args.poll_interval, args.long_poll)
                   for tok in bench.tokens[1:]]  # fmt: skip
        bench.pollers = pollers
        markers = [asyncio.create_task(p.mark_read()) for p in pollers for _ in range(2)]
        try:
            result = await measure(bench, settings, tap, pollers, words, floor_lat)
            result |= {"backlog_at_start": pending, "stopped_early_at": bench.saturated}
        finally:
            for m in markers:
                m.cancel()
            await tap.stop()
            if not args.keep:  # also after a failed warm-up: leave no bench record published
                withdrawn = await withdraw_all(bench, bench.pairs, 60)
                print(f"withdrew {withdrawn} bench records ({len(bench.pairs)} pairs)")
        return result


async def measure(
    bench: Bench, settings: Settings, tap: Tap, pollers: list[InboxPoller], words: list[str],
    floor_lat: list[float],
) -> dict[str, Any]:  # fmt: skip
    """Warm-up pairs until they arrive, then the paced run; returns the summary."""
    args = bench.args
    warm = make_pairs(words[-5 * args.demanders :], args.demanders, args.demanders,
                      f"dj{bench.run}w")  # fmt: skip
    bench.pairs += warm
    for p in warm:
        pollers[p.org].pairs.append(p)
        await bench.post(p, "need")
        await bench.post(p, "offer")
    sent = asyncio.Event()
    sent.set()
    t_warm = time.perf_counter()
    await wait_arrivals(pollers, sent, args.warmup_timeout)
    if any(p.waiting() for p in pollers) or bench.errors:
        raise SystemExit(f"warm-up pairs did not arrive in {args.warmup_timeout}s "
                         f"(errors: {bench.errors[:3]})")  # fmt: skip
    print(f"warm-up: suggestions arrived after {time.perf_counter() - t_warm:.1f} s")

    pairs = make_pairs(words, args.records // 2, args.demanders, f"dj{bench.run}")
    bench.pairs += pairs
    for poller in pollers:
        poller.pairs = []
    for p in pairs:
        pollers[p.org].pairs.append(p)
    sent = asyncio.Event()
    polling = asyncio.create_task(wait_arrivals(pollers, sent, 3600))
    t_start = time.time()
    send_s = await drive(bench, pairs, args.rate)
    sent.set()  # from now on the deadline bounds the wait
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(polling, args.deadline)
    for poller in pollers:
        poller.settle()
    # the tap reads what the services published; give it a moment to catch up
    arrived = [p for p in pairs if p.seen is not None]
    tap_until = time.monotonic() + 5
    while time.monotonic() < tap_until:  # polls another task's progress
        if all((p.ids["need"], p.ids["offer"]) in tap.matches for p in arrived):
            break
        await asyncio.sleep(0.1)
    result = summarise(args, pairs, floor_lat, t_start, send_s, tap, pollers)
    result |= {"run": bench.run, "http_error_sample": sorted(set(bench.errors))[:3]}
    return result


def summarise(
    args: argparse.Namespace, pairs: list[Pair], floor_lat: list[float], t_start: float,
    send_s: float, tap: Tap, pollers: list[InboxPoller],
) -> dict[str, Any]:  # fmt: skip
    complete = [p for p in pairs if p.complete]
    arrived = sorted((p for p in complete if p.seen is not None), key=lambda p: p.start)
    lat = [(p.seen or 0.0) - p.start for p in arrived]
    published = sum(len(p.published) for p in pairs)
    last_seen = max((p.seen or t_start for p in arrived), default=t_start)
    q = max(1, len(arrived) // 4)
    split = stages(arrived, tap)
    fp99 = pct(floor_lat, 0.99)
    return {
        "records": published, "pairs": len(pairs), "rate": args.rate,
        "p50_ms": ms(pct(lat, 0.50)), "p95_ms": ms(pct(lat, 0.95)), "p99_ms": ms(pct(lat, 0.99)),
        "max_ms": ms(max(lat, default=float("nan"))),
        "floor_p50_ms": ms(pct(floor_lat, 0.50)), "floor_p99_ms": ms(fp99),
        "p99_ratio": round(pct(lat, 0.99) / fp99, 1) if lat else None,
        "accepted_rps": round(published / send_s, 1),
        "sustained_rps": round(2 * len(arrived) / max(last_seen - t_start, 1e-9), 1),
        "lost": len(complete) - len(arrived),
        "http_errors": sum(1 for p in pairs if p.failed),
        "duplicates": sum(1 for p in arrived if p.messages > 1),
        "p50_first_quarter_ms": ms(pct(lat[:q], 0.5)),
        "p50_last_quarter_ms": ms(pct(lat[-q:], 0.5)),
        "polls": sum(p.polls for p in pollers),
        "stages": {name: {"n": len(v), "p50_ms": ms(pct(v, 0.5)), "p95_ms": ms(pct(v, 0.95)),
                          "p99_ms": ms(pct(v, 0.99))} for name, v in split.items()},
    }  # fmt: skip


def print_table(r: dict[str, Any]) -> None:
    print()
    print(f"pipeline: {r['records']} records ({r['pairs']} pairs) at {r['rate']}/s target")
    print(f"{'':<44}{'p50':>9}{'p95':>9}{'p99':>9}  ms")
    print(f"{'publish returned -> suggestion in inbox':<44}"
          f"{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}")  # fmt: skip
    print(f"{'floor (Kafka hop + query + write)':<44}{r['floor_p50_ms']:>9}{'':>9}"
          f"{r['floor_p99_ms']:>9}")  # fmt: skip
    print("stages:")
    for name, s in r["stages"].items():
        print(f"  {name:<42}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}  (n={s['n']})")
    print(f"p99 / floor p99: {r['p99_ratio']}x   accepted {r['accepted_rps']} records/s   "
          f"completed {r['sustained_rps']} records/s   lost {r['lost']}   "
          f"http errors {r['http_errors']}   duplicate messages {r['duplicates']}")  # fmt: skip
    print(
        f"p50 first quarter {r['p50_first_quarter_ms']} ms, "
        f"last quarter {r['p50_last_quarter_ms']} ms; inbox polls {r['polls']}"
    )
    if r["stopped_early_at"] is not None:
        print(f"sender stopped early after {r['stopped_early_at']} records (stack fell behind)")
    for error in r["http_error_sample"]:
        print(f"http error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=400, help="records (2 per pair)")
    parser.add_argument("--rate", type=float, default=10.0, help="records published per second")
    parser.add_argument("--demanders", type=int, default=2, help="bench enterprises (pollers)")
    parser.add_argument("--concurrency", type=int, default=64, help="records in flight at most")
    parser.add_argument("--poll-interval", type=float, default=0.02, help="idle poll pause, s")
    parser.add_argument(
        "--long-poll", type=float, default=5.0,
        help="GET /inbox?wait= seconds (0: plain polling every --poll-interval)",
    )  # fmt: skip
    parser.add_argument(
        "--deadline",
        type=float,
        default=30.0,
        help="seconds after the last publish before a pair counts as lost",
    )
    parser.add_argument("--warmup-timeout", type=float, default=45.0)
    parser.add_argument("--send-seconds", type=float, default=60.0,
                        help="stop sending after this long even if records remain")  # fmt: skip
    parser.add_argument(
        "--max-outstanding",
        type=int,
        default=150,
        help="stop sending when this many pairs wait for their suggestion",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=60.0,
        help="wait this long for an earlier backlog to drain first",
    )
    parser.add_argument("--floor-samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7, help="word pool shuffle")
    parser.add_argument("--keep", action="store_true", help="do not withdraw bench records")
    parser.add_argument("--operator-email", default="operator@demo.duijie.local")
    parser.add_argument(
        "--operator-password",
        default=os.environ.get("DUIJIE_OPERATOR_PASSWORD", "Duijie-Demo-2024"),
    )
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print_table(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
