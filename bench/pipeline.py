"""Benchmark: the whole pipeline, from a published tech record to the counterpart's inbox.

With the local stack up (``make up``; URLs from ``python -m deploy.local status --json``):
1. an operator (the demo one unless ``--operator-email``) registers one bench university
   (offers) and ``--demanders`` bench enterprises (needs), each with an admin user;
2. the *floor*: one aiokafka produce→consume hop + one OpenSearch query + one MongoDB
   insert, sequential, ``--floor-samples`` times, on the same engines;
3. a warm-up pair per enterprise (until its suggestion arrives: recipients known), then
   ``--jit-seconds`` of load at ``--jit-rate``, unmeasured: a fresh JVM's JIT compiler
   costs more than its work in its first minutes, which a stack in service is long past
   (``bench.cpu`` shows it as ``opensearch jit`` / ``kafka jit``);
4. the ramp: each offered rate of ``--rates`` (10, 20, 50, 100, 200, 300 records/s) for
   ``--step-seconds``, as synthetic need/offer pairs, each record created then published
   over HTTP. A pair shares distinctive words (jieba dictionary words drawn without
   replacement, plus a code) and compatible TRL/modes, and shares nothing with any other
   pair of the run, so each pair has exactly one known counterpart. A step is *held* when,
   over its last third, the backlog (pairs published, suggestion not yet seen) stays under
   ``--backlog-bound`` seconds' worth of pairs and does not grow, completions keep up with
   publishes, and the sender held the rate (see :func:`judge`). The ramp stops at the first
   step not held; ``sustained_rps`` is the highest held rate (0 if none).
5. the latency run: ``--half-seconds`` at half the sustained rate (at least
   ``--min-half-rate``). Latency per pair: from the HTTP publish of its later record
   returning until the enterprise's inbox lists the ``matching.match.suggested`` message
   about the offer. One poller per enterprise reads ``GET /inbox?unread=true`` (long
   polling) and marks what it saw read. A Kafka tap on the record and match topics keeps
   each event's CloudEvents ``time`` and broker timestamp to split the latency in stages.
6. lost (published, never suggested within ``--deadline``) and duplicates (more than one
   message about a pair) count every pair of the run; bench records are withdrawn
   afterwards (``--keep`` leaves them).

Everything is bounded (steps, drains, deadline); the default run takes 5-8 minutes. The
last line printed is one JSON object: sustained_rps, p50_ms, p99_ms, floor_p99_ms,
p99_ratio, lost, duplicates (the line before it has the steps and stages).

    uv run python bench/pipeline.py --rates 10 20 40 --step-seconds 10
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

from bench import cpu  # noqa: E402
from services.identity.domain.credit_code import ALPHABET, check_character  # noqa: E402
from shared.broker import PRODUCER_DURABILITY, delete_topics, ensure_topics  # noqa: E402
from shared.db import create_mongo_client  # noqa: E402
from shared.events import topic_name  # noqa: E402
from shared.search import create_search_client  # noqa: E402
from shared.settings import Settings  # noqa: E402

PIPELINE_SERVICES = ("identity", "techtransfer", "matching", "notifications")
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


def engine_times(url: str) -> dict[str, float]:
    """Seconds OpenSearch's threads spent so far per (index group, kind of work): the
    node's own counters, so a step's split inside the engine is a difference of two."""
    found = httpx.get(f"{url}/_stats/search,indexing,refresh,merge?level=indices", timeout=30)
    out: dict[str, float] = {}
    for name, stats in found.json().get("indices", {}).items():
        group = (
            re.sub(r"^.*?-matching-|-v\d+$|-[0-9a-f]{10}$", "", name)
            if "-matching-" in name
            else "other"
        )
        t = stats["total"]
        for work, ms_ in (
            ("query", t["search"]["query_time_in_millis"]),
            ("fetch", t["search"]["fetch_time_in_millis"]),
            ("index", t["indexing"]["index_time_in_millis"]),
            ("refresh", t["refresh"]["total_time_in_millis"]),
            ("merge", t["merges"]["total_time_in_millis"]),
        ):
            out[f"{group} {work}"] = out.get(f"{group} {work}", 0.0) + ms_ / 1000
    return out


def engine_split(before: dict[str, float], after: dict[str, float], records: int) -> str:
    """The largest parts of a step's engine time, in ms per completed record."""
    diff = {k: v - before.get(k, 0.0) for k, v in after.items()}
    top = sorted(((v, k) for k, v in diff.items() if v > 0), reverse=True)[:8]
    return ", ".join(f"{k} {1000 * v / records:.1f}" for v, k in top)


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


def word_pool(seed: int, min_freq: int = 300) -> list[str]:
    """Common two- to four-character words of jieba's dictionary, shuffled."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        if (
            2 <= len(word) <= 4
            and int(freq) >= min_freq
            and re.fullmatch(r"[\u4e00-\u9fff]+", word)
        ):
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


PairKey = tuple[str | None, str | None]  # (offer id, need id)


def pair_key(pair: Pair) -> PairKey:
    return pair.ids.get("offer"), pair.ids.get("need")


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
        # keyed by (offer id, the need it was suggested for): one offer may rightly be
        # suggested for two of an enterprise's needs, and that is two pairs, not a duplicate
        self.seen: dict[PairKey, tuple[float, float]] = {}  # -> (seen, created_at)
        self.count: dict[PairKey, int] = {}  # -> suggestion messages
        self.suggestions: dict[PairKey, list[dict[str, Any]]] = {}  # -> those messages
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
                    key = (m["subject_id"], m.get("regarding_id"))
                    self.seen.setdefault(key, (now, epoch(m["created_at"])))
                    self.count[key] = self.count.get(key, 0) + 1
                    self.suggestions.setdefault(key, []).append(m)
            cursor = page["next_cursor"]
            if not cursor:
                return new

    def waiting(self) -> int:
        return sum(1 for p in self.pairs if p.complete and pair_key(p) not in self.seen)

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
            key = pair_key(p)
            if key in self.seen:
                p.seen, p.created_at = self.seen[key]
                p.messages = self.count[key]


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


async def drive(bench: Bench, pairs: list[Pair], rate: float, seconds: float) -> Step:
    """Send ``pairs`` at ``rate`` records/s (open loop, bounded in flight) for at most
    ``seconds``; stops early when more than ``--backlog-stop`` seconds' worth of pairs
    wait for their suggestion (the stack fell behind: sending on only builds a backlog)."""
    gate = asyncio.Semaphore(bench.args.concurrency)
    order = [(p, k) for p in pairs
             for k in (("need", "offer") if p.need_first else ("offer", "need"))]  # fmt: skip
    stop_at = max(20, rate / 2 * bench.args.backlog_stop)

    async def one(pair: Pair, kind: str) -> None:
        async with gate:
            await bench.post(pair, kind)

    tasks = []
    step = Step(rate=rate, pairs=[], t0=time.time(), seconds=seconds)
    t0 = time.perf_counter()
    for j, (pair, kind) in enumerate(order):
        if time.perf_counter() - t0 > seconds:
            break
        if j % 10 == 0 and waiting(step.pairs, bench.pollers) > stop_at:
            step.stopped = f"backlog over {stop_at:.0f} pairs after {j} records"
            break
        delay = t0 + j / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if kind == ("offer" if pair.need_first else "need"):
            step.pairs.append(pair)
        tasks.append(asyncio.create_task(one(pair, kind)))
    await asyncio.gather(*tasks)
    step.t1 = time.time()
    step.send_s = time.perf_counter() - t0
    return step


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
    words = word_pool(args.seed, min_freq=50)  # ~45,000 words: ~9,000 disjoint pairs
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
            result |= {"backlog_at_start": pending}
        finally:
            for m in markers:
                m.cancel()
            await tap.stop()
            if not args.keep:  # also after a failed warm-up: leave no bench record published
                withdrawn = await withdraw_all(bench, bench.pairs, args.withdraw_limit)
                print(f"withdrew {withdrawn} bench records ({len(bench.pairs)} pairs)")
        return result


# ---- the ramp ---------------------------------------------------------------------------


@dataclass
class Step:
    """One offered rate, held for ``seconds`` (bounded), and what the stack made of it."""

    rate: float
    pairs: list[Pair]
    t0: float
    seconds: float
    t1: float = 0.0
    send_s: float = 0.0
    stopped: str | None = None
    verdict: dict[str, Any] = field(default_factory=dict)

    def published(self) -> int:
        return sum(len(p.published) for p in self.pairs)


def waiting(pairs: list[Pair], pollers: list[InboxPoller]) -> int:
    """Pairs of a step published and not yet seen in their inbox."""
    return sum(1 for p in pairs if p.complete and pair_key(p) not in pollers[p.org].seen)


def seen_at(pollers: list[InboxPoller], pair: Pair) -> float | None:
    found = pollers[pair.org].seen.get(pair_key(pair))
    return found[0] if found else None


def judge(step: Step, pollers: list[InboxPoller], args: argparse.Namespace) -> dict[str, Any]:
    """Did completion keep up? Over the last third of the step: the backlog (pairs whose
    later record was published and whose suggestion was not yet seen) stays under
    ``--backlog-bound`` seconds' worth of pairs and does not grow (least-squares slope
    times the window under 10% of the pairs offered in it), and completions in the
    window are at least 90% of the pairs published in it. The sender must also have
    held the rate (HTTP publishes returned in the window >= 90% of it) and not stopped early."""
    end = step.t0 + min(step.seconds, step.send_s)
    start = step.t0 + 2 * (end - step.t0) / 3
    spans = [(p.start, seen_at(pollers, p)) for p in step.pairs if p.complete]
    samples, t = [], start
    while t <= end:
        samples.append((t, sum(1 for a, b in spans if a <= t and (b is None or b > t))))
        t += 0.25
    n = len(samples)
    mt = sum(x for x, _ in samples) / n
    mb = sum(y for _, y in samples) / n
    var = sum((x - mt) ** 2 for x, _ in samples) or 1e-9
    slope = sum((x - mt) * (y - mb) for x, y in samples) / var
    window = end - start
    offered = sum(1 for a, _ in spans if start <= a <= end)
    done = sum(1 for _, b in spans if b is not None and start <= b <= end)
    bound = max(10.0, step.rate / 2 * args.backlog_bound)
    growth = slope * window
    # records whose HTTP publish returned within the window: the rate techtransfer took in
    returned = sum(1 for p in step.pairs for at in p.published.values() if start <= at <= end)
    accepted = returned / max(window, 1e-9)
    checks = {
        "sender_held_rate": step.stopped is None and accepted >= 0.9 * step.rate,
        "backlog_bounded": max(y for _, y in samples) <= bound,
        "backlog_not_growing": growth <= max(3.0, 0.1 * offered),
        "completion_kept_up": done >= 0.9 * offered,
    }
    return {
        "rate": step.rate, "sustained": all(checks.values()), "checks": checks,
        "accepted_rps": round(accepted, 1), "pairs_in_window": offered,
        "completed_in_window": done, "backlog_max": max(y for _, y in samples),
        "backlog_growth": round(growth, 1), "backlog_bound": bound, "stopped": step.stopped,
    }  # fmt: skip


async def drain(pollers: list[InboxPoller], limit: float) -> float:
    """Wait (bounded) until every published pair's suggestion was seen; returns seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:  # polls the pollers' progress (they run as tasks)
        if not sum(p.waiting() for p in pollers):
            break
        await asyncio.sleep(0.2)
    return time.monotonic() - t0


class Words:
    """Hands out disjoint word slices, so no two pairs of the run share a word."""

    def __init__(self, words: list[str]) -> None:
        self.words, self.used = words, 0

    def pairs(self, n: int, orgs: int, code: str) -> list[Pair]:
        n = min(n, (len(self.words) - self.used) // 5)
        out = make_pairs(self.words[self.used : self.used + 5 * n], n, orgs, code)
        self.used += 5 * n
        return out


async def offer_rate(
    bench: Bench, pollers: list[InboxPoller], words: Words, rate: float, seconds: float, tag: str
) -> Step:
    pairs = words.pairs(int(rate * seconds / 2) + 1, bench.args.demanders, f"dj{bench.run}{tag}")
    bench.pairs += pairs
    for p in pairs:
        pollers[p.org].pairs.append(p)
    return await drive(bench, pairs, rate, seconds)


async def measure(
    bench: Bench, settings: Settings, tap: Tap, pollers: list[InboxPoller], words: list[str],
    floor_lat: list[float],
) -> dict[str, Any]:  # fmt: skip
    """Warm-up pairs until they arrive, the ramp, the half-rate run; returns the summary."""
    args = bench.args
    pool = Words(words)
    warm = pool.pairs(args.demanders, args.demanders, f"dj{bench.run}w")
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

    sent = asyncio.Event()
    polling = asyncio.create_task(wait_arrivals(pollers, sent, 3600))
    steps: list[Step] = []
    sustained = 0.0
    jit_pairs: list[Pair] = []
    try:
        if args.jit_seconds > 0:
            # A fresh JVM compiles its hot code during its first minutes of load: in a 10/s
            # step right after start, OpenSearch's JIT compiler threads used more CPU than
            # all its workers. A stack in service has done that long ago, so the same load
            # runs first, unmeasured (its pairs still count for lost and duplicates).
            before = cpu.snapshot()
            jit = await offer_rate(bench, pollers, pool, args.jit_rate, args.jit_seconds, "j")
            jit_pairs = jit.pairs
            drained = await drain(pollers, args.deadline)
            print(f"JIT warm-up: {args.jit_seconds:g} s at {args.jit_rate:g}/s, drained in "
                  f"{drained:.1f} s, CPU s {cpu.since(before)}")  # fmt: skip
        for rate in args.rates:
            before, engine_before = cpu.snapshot(), engine_times(settings.opensearch_url)
            step = await offer_rate(bench, pollers, pool, rate, args.step_seconds, f"r{rate:g}")
            await asyncio.sleep(min(3.0, args.step_seconds / 3))  # late arrivals of the window
            step.verdict = judge(step, pollers, args)
            used = cpu.since(before)
            done = max(1, 2 * sum(1 for p in step.pairs if seen_at(pollers, p) is not None))
            step.verdict["cpu_s"] = used
            per_record = 1000 * sum(used.values()) / done
            print(f"step {rate:g}/s CPU s (all processes): {used}; "
                  f"{per_record:.0f} ms CPU per completed record")  # fmt: skip
            inside = engine_split(engine_before, engine_times(settings.opensearch_url), done)
            print(f"step {rate:g}/s OpenSearch thread time, ms per completed record: {inside}")
            steps.append(step)
            drained = await drain(pollers, args.drain)
            v = step.verdict
            print(f"step {rate:g}/s: {'held' if v['sustained'] else 'NOT held'}  "
                  f"accepted {v['accepted_rps']}/s  backlog max {v['backlog_max']} "
                  f"(bound {v['backlog_bound']:.0f}) growth {v['backlog_growth']}  "
                  f"completed {v['completed_in_window']}/{v['pairs_in_window']} in the last "
                  f"third  drained in {drained:.1f} s  {v['stopped'] or ''}")  # fmt: skip
            if not v["sustained"]:
                break
            sustained = rate
        half = max(args.min_half_rate, sustained / 2)
        await drain(pollers, args.deadline)  # the ramp's backlog would inflate the latency
        before = cpu.snapshot()
        measured = await offer_rate(bench, pollers, pool, half, args.half_seconds, "h")
        half_cpu = cpu.since(before)
        sent.set()  # from now on the deadline bounds the wait
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(polling), args.deadline)
    finally:
        sent.set()
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    for poller in pollers:
        poller.settle()
    arrived = [p for p in measured.pairs if p.seen is not None]
    tap_until = time.monotonic() + 5  # the tap reads what the services published
    while time.monotonic() < tap_until:  # polls another task's progress
        if all((p.ids["need"], p.ids["offer"]) in tap.matches for p in arrived):
            break
        await asyncio.sleep(0.1)
    every = jit_pairs + [p for s in steps for p in s.pairs] + measured.pairs
    result = summarise(args, measured, every, floor_lat, tap, pollers)
    result |= {"sustained_rps": sustained, "half_rate": half, "half_rate_cpu_s": half_cpu,
               "steps": [s.verdict for s in steps], "run": bench.run,
               "words_left": len(pool.words) - pool.used,
               "http_error_sample": sorted(set(bench.errors))[:3]}  # fmt: skip
    return result


def summarise(
    args: argparse.Namespace, measured: Step, every: list[Pair], floor_lat: list[float],
    tap: Tap, pollers: list[InboxPoller],
) -> dict[str, Any]:  # fmt: skip
    """Latency at the half rate; lost and duplicates over every pair of the run."""
    arrived = sorted((p for p in measured.pairs if p.complete and p.seen is not None),
                     key=lambda p: p.start)  # fmt: skip
    lat = [(p.seen or 0.0) - p.start for p in arrived]
    q = max(1, len(arrived) // 4)
    split = stages(arrived, tap)
    fp99 = pct(floor_lat, 0.99)
    complete = [p for p in every if p.complete]
    return {
        "records": sum(len(p.published) for p in every), "pairs": len(every),
        "half_rate_pairs": len(measured.pairs),
        "p50_ms": ms(pct(lat, 0.50)), "p95_ms": ms(pct(lat, 0.95)), "p99_ms": ms(pct(lat, 0.99)),
        "max_ms": ms(max(lat, default=float("nan"))),
        "floor_p50_ms": ms(pct(floor_lat, 0.50)), "floor_p99_ms": ms(fp99),
        "p99_ratio": round(pct(lat, 0.99) / fp99, 1) if lat else None,
        "half_accepted_rps": round(measured.published() / max(measured.send_s, 1e-9), 1),
        "lost": sum(1 for p in complete if p.seen is None),
        "http_errors": sum(1 for p in every if p.failed),
        "duplicates": sum(1 for p in every if p.messages > 1),
        "p50_first_quarter_ms": ms(pct(lat[:q], 0.5)),
        "p50_last_quarter_ms": ms(pct(lat[-q:], 0.5)),
        "polls": sum(p.polls for p in pollers),
        "stages": {name: {"n": len(v), "p50_ms": ms(pct(v, 0.5)), "p95_ms": ms(pct(v, 0.95)),
                          "p99_ms": ms(pct(v, 0.99))} for name, v in split.items()},
    }  # fmt: skip


def print_table(r: dict[str, Any]) -> None:
    print()
    print(f"pipeline: {r['records']} records ({r['pairs']} pairs); sustained "
          f"{r['sustained_rps']:g} records/s; latency at {r['half_rate']:g}/s "
          f"({r['half_rate_pairs']} pairs, accepted {r['half_accepted_rps']}/s)")  # fmt: skip
    print(f"{'':<44}{'p50':>9}{'p95':>9}{'p99':>9}  ms")
    print(f"{'publish returned -> suggestion in inbox':<44}"
          f"{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}")  # fmt: skip
    print(f"{'floor (Kafka hop + query + write)':<44}{r['floor_p50_ms']:>9}{'':>9}"
          f"{r['floor_p99_ms']:>9}")  # fmt: skip
    print("stages:")
    for name, s in r["stages"].items():
        print(f"  {name:<42}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}  (n={s['n']})")
    print(f"p99 / floor p99: {r['p99_ratio']}x   lost {r['lost']}   "
          f"http errors {r['http_errors']}   duplicate messages {r['duplicates']}")  # fmt: skip
    print(f"p50 first quarter {r['p50_first_quarter_ms']} ms, "
          f"last quarter {r['p50_last_quarter_ms']} ms; inbox polls {r['polls']}")  # fmt: skip
    print(f"CPU s at the half rate (every process on the machine): {r['half_rate_cpu_s']}")
    for error in r["http_error_sample"]:
        print(f"http error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[10, 20, 50, 100, 200, 300],
                        help="offered rates of the ramp, records/s")  # fmt: skip
    parser.add_argument("--step-seconds", type=float, default=15.0, help="each ramp step")
    parser.add_argument("--half-seconds", type=float, default=20.0,
                        help="the latency run at half the sustained rate")  # fmt: skip
    parser.add_argument("--min-half-rate", type=float, default=5.0)
    parser.add_argument("--backlog-bound", type=float, default=5.0,
                        help="held: backlog under this many seconds of pairs")  # fmt: skip
    parser.add_argument("--backlog-stop", type=float, default=15.0,
                        help="stop a step past this many seconds of pairs waiting")  # fmt: skip
    parser.add_argument("--drain", type=float, default=20.0, help="wait after a step, at most")
    parser.add_argument("--demanders", type=int, default=2, help="bench enterprises (pollers)")
    parser.add_argument("--concurrency", type=int, default=256, help="records in flight at most")
    parser.add_argument("--poll-interval", type=float, default=0.02, help="idle poll pause, s")
    parser.add_argument(
        "--long-poll", type=float, default=5.0,
        help="GET /inbox?wait= seconds (0: plain polling every --poll-interval)",
    )  # fmt: skip
    parser.add_argument("--deadline", type=float, default=30.0,
                        help="seconds after the last publish before a pair is lost")  # fmt: skip
    parser.add_argument("--warmup-timeout", type=float, default=45.0)
    parser.add_argument(
        "--jit-seconds",
        type=float,
        default=120.0,
        help="unmeasured load first, while the engines' JVMs compile (0: none)",
    )
    parser.add_argument("--jit-rate", type=float, default=8.0, help="its records/s")
    parser.add_argument("--idle-timeout", type=float, default=60.0,
                        help="wait this long for an earlier backlog to drain first")  # fmt: skip
    parser.add_argument("--withdraw-limit", type=float, default=90.0)
    parser.add_argument("--floor-samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7, help="word pool shuffle")
    parser.add_argument("--keep", action="store_true", help="do not withdraw bench records")
    parser.add_argument(
        "--throwaway", action="store_true",
        help="run on a throwaway stack of the last commit (temp dir, free ports) with only "
             "the four pipeline services, not on the stack of `make up`",
    )  # fmt: skip
    parser.add_argument("--operator-email", default="operator@demo.duijie.local")
    parser.add_argument(
        "--operator-password",
        default=os.environ.get("DUIJIE_OPERATOR_PASSWORD", "Duijie-Demo-2024"),
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress lines
    if args.throwaway:
        from bench.faults_stack import ThrowawayStack

        stack = ThrowawayStack()
        try:
            print(f"throwaway stack of commit {stack.commit} in {stack.dir}")
            print(f"stack up in {stack.up(list(PIPELINE_SERVICES)):.0f} s")
            result = asyncio.run(run(args))
        finally:
            stack.down()
    else:
        result = asyncio.run(run(args))
    print_table(result)
    print(json.dumps(result, ensure_ascii=False))
    names = ("sustained_rps", "p50_ms", "p99_ms", "floor_p99_ms", "p99_ratio", "lost", "duplicates")
    last = {n: None if result[n] != result[n] else result[n] for n in names}  # NaN: none
    print(json.dumps(last))


if __name__ == "__main__":
    main()
