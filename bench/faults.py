"""Fault suite: the bench-pipeline load at a steady rate while faults are injected one
after another on a throwaway stack (``bench/faults_stack.py``), never the shared engines.

Faults: SIGKILL of each service (supervisord restarts it); SIGKILL of the Kafka broker
(restarted by supervisord); OpenSearch stopped for 30 s; FerretDB SIGKILLed (restarted);
OpenSearch paused (SIGSTOP) for 5 s. Load: need/offer pairs published over HTTP at
``--rate`` records/s by the pipeline bench's machinery, each pair expecting exactly one
``matching.match.suggested`` message in its enterprise's inbox. A client retries a request
that failed because a service was away, as a person would.

Recovery per fault: from the end of the fault until every service answers ``/readyz``
and every pair published before the fault ended has its suggestion in the inbox.
At the end: lost pairs, duplicate suggestions, and every message on a dead-letter topic
(all bench messages are good ones). Last line, JSON:
``{"faults", "lost", "duplicates", "dead_lettered_good", "max_recovery_s", "per_fault"}``.

    uv run python bench/faults.py --rate 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faults_stack import (
    ENGINE_FAULTS,
    Fault,
    ThrowawayStack,
    kill_service,
    rolling_restart,
)  # fmt: skip
from bench.pipeline import (
    Bench,
    InboxPoller,
    Pair,
    bearer,
    discover,
    make_pairs,
    pair_key,
    word_pool,
)  # fmt: skip

RETRYABLE = {502, 503, 504}
PIPELINE = ("identity", "techtransfer", "matching", "notifications")


class SteadyPoller(InboxPoller):
    """The pipeline's poller, riding out a notifications restart."""

    async def run(self, sent: asyncio.Event, deadline: list[float]) -> None:
        while time.monotonic() < deadline[0]:
            if sent.is_set() and not self.waiting():
                return
            try:
                if not await self.poll_once():
                    await asyncio.sleep(self.interval)
            except (httpx.HTTPError, ValueError, KeyError):
                await asyncio.sleep(0.5)  # notifications away: try again


async def call(client: httpx.AsyncClient, method: str, url: str, token: str,
               ok: set[int], limit: float = 120.0, **kw: Any) -> httpx.Response:  # fmt: skip
    """One request retried while the service is away (connection errors, 5xx)."""
    deadline, errors = time.monotonic() + limit, 0
    while True:
        try:
            r = await client.request(method, url, headers=bearer(token), **kw)
            if r.status_code in ok:
                return r
            if r.status_code not in RETRYABLE:
                r.raise_for_status()
        except httpx.TransportError:
            pass
        errors += 1
        if time.monotonic() > deadline:
            raise TimeoutError(f"{method} {url}: still failing after {limit:.0f} s")
        await asyncio.sleep(min(0.2 * errors, 2.0))


async def publish(bench: Bench, pair: Pair, kind: str) -> None:
    token = bench.tokens[0] if kind == "offer" else bench.tokens[1 + pair.org]
    base = f"{bench.urls['techtransfer']}/{kind}s"
    content = pair.offer if kind == "offer" else pair.need
    try:
        r = await call(bench.client, "POST", base, token, {200, 201}, json=content)
        rid = str(r.json()["id"])
        # 409: an earlier try went through before its answer was lost
        await call(bench.client, "POST", f"{base}/{rid}/publish", token, {200, 409})
    except (httpx.HTTPError, TimeoutError) as exc:
        pair.failed = f"{kind}: {exc!r}"[:200]
        bench.errors.append(pair.failed)
        return
    pair.ids[kind] = rid
    pair.published[kind] = time.time()


async def send_steadily(bench: Bench, pairs: list[Pair], rate: float, stop: asyncio.Event) -> None:
    """Publish pairs at ``rate`` records/s until ``stop`` (open loop, bounded in flight)."""
    gate, tasks, t0 = asyncio.Semaphore(64), [], time.perf_counter()

    async def one(pair: Pair) -> None:
        async with gate:
            for kind in ("need", "offer") if pair.need_first else ("offer", "need"):
                await publish(bench, pair, kind)

    for i, pair in enumerate(pairs):
        if stop.is_set():
            break
        delay = t0 + 2 * i / rate - time.perf_counter()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                break
        bench.pairs.append(pair)
        tasks.append(asyncio.create_task(one(pair)))
    await asyncio.gather(*tasks)


async def not_ready(client: httpx.AsyncClient, urls: dict[str, str]) -> list[str]:
    """Services whose ``/readyz`` does not answer 200 now."""

    async def ready(url: str) -> bool:
        try:
            return (await client.get(f"{url}/readyz", timeout=10)).status_code == 200
        except httpx.HTTPError:
            return False

    answers = await asyncio.gather(*(ready(u) for u in urls.values()))
    return [name for name, ok in zip(urls, answers, strict=True) if not ok]


def show_duplicates(bench: Bench, pairs: list[Pair]) -> None:
    """Each duplicated pair's messages, with the times its records were published, so a
    duplicate can be put next to the fault that was running then."""
    for p in pairs:
        poller = bench.pollers[p.org]
        print(f"duplicate: pair {p.index} ids {p.ids} published {p.published}", flush=True)
        for m in poller.suggestions.get(pair_key(p), []):  # type: ignore[attr-defined]
            print("   ", json.dumps(m, ensure_ascii=False)[:600], flush=True)


def settle(pollers: list[SteadyPoller]) -> None:
    for poller in pollers:
        poller.settle()


def outstanding(bench: Bench, before: float) -> list[Pair]:
    """Pairs fully published before ``before`` whose suggestion has not arrived."""
    settle(bench.pollers)  # type: ignore[arg-type]
    return [p for p in bench.pairs if p.complete and p.start <= before and p.seen is None]


async def recover(bench: Bench, ended: float, limit: float) -> dict[str, Any]:
    """Seconds from ``ended`` (epoch) until every service has answered ready (all at
    once) and the backlog of pairs published before it has arrived (None if not within
    ``limit``), and what was still missing at the limit."""
    deadline, ready_s = time.monotonic() + limit, None
    while True:
        waiting = await not_ready(bench.client, bench.urls)
        if not waiting and ready_s is None:
            ready_s = round(time.time() - ended, 1)  # every service answers again
        # Readiness once is enough: on a saturated machine a 2 s broker ping fails now
        # and then without any fault, and that flapping is not what is measured here.
        if ready_s is not None and not outstanding(bench, ended):
            return {"recovery_s": round(time.time() - ended, 1), "ready_s": ready_s}
        if time.monotonic() > deadline:
            return {"recovery_s": None, "ready_s": ready_s, "not_ready": waiting,
                    "not_arrived": len(outstanding(bench, ended))}  # fmt: skip
        await asyncio.sleep(1.0)  # ten /readyz calls, three engine pings each: not too often


async def drain(bench: Bench, quiet: float, cap: float) -> None:
    """After the last publish: wait until every pair has arrived, or nothing has arrived
    for ``quiet`` seconds (a slow backlog is not a loss), at most ``cap`` seconds."""
    began, last, seen = time.monotonic(), time.monotonic(), -1
    while time.monotonic() - began < cap:
        missing = len(outstanding(bench, time.time()))
        if missing == 0:
            return
        if missing != seen:
            seen, last = missing, time.monotonic()
            print(f"draining: {missing} pairs still on their way", flush=True)
        elif time.monotonic() - last > quiet:
            return
        await asyncio.sleep(1)


async def run_faults(bench: Bench, stack: ThrowawayStack, faults: list[Fault],
                     args: argparse.Namespace) -> dict[str, Any]:  # fmt: skip
    per_fault: dict[str, Any] = {}
    for fault in faults:
        errors_before = len(bench.errors)
        await asyncio.sleep(args.gap)  # steady load between faults (pacing, not a wait)
        begun = time.time()
        await asyncio.to_thread(fault.inject, stack)
        ended = time.time()
        outcome = await recover(bench, ended, args.recovery_limit)
        took = outcome["recovery_s"]
        per_fault[fault.name] = {"fault_s": round(ended - begun, 1), **outcome,
                                 "failed_requests": len(bench.errors) - errors_before}  # fmt: skip
        print(f"{fault.name:<32} fault {ended - begun:5.1f} s   recovered in "
              f"{took if took is not None else 'NOT'} s   (began at {begun:.1f})",
              flush=True)  # fmt: skip
    return per_fault


async def dead_lettered() -> int:
    from shared.deadletters import list_dead_letters
    from shared.settings import Settings

    return len(await list_dead_letters(Settings()))


async def main_async(args: argparse.Namespace, stack: ThrowawayStack) -> dict[str, Any]:
    status = discover()
    urls = {n: v["url"] for n, v in status["services"].items() if v["healthy"]}
    services = [n for n in urls if not args.services or n in args.services]
    faults = [kill_service(n) for n in services] + ENGINE_FAULTS + [rolling_restart(services)]
    faults = [f for f in faults if not args.only or any(o in f.name for o in args.only)]
    words = word_pool(args.seed)
    async with httpx.AsyncClient(timeout=30) as client:
        bench = Bench(args, urls, client)
        await bench.setup()
        bench.pollers = [SteadyPoller(client, urls["notifications"], t, 0.05, 5.0)
                         for t in bench.tokens[1:]]  # fmt: skip
        pairs = make_pairs(words, len(words) // 5 - 1, args.demanders, f"fx{bench.run}")
        for p in pairs:
            bench.pollers[p.org].pairs.append(p)  # type: ignore[attr-defined]
        stop, sent = asyncio.Event(), asyncio.Event()  # ``sent`` stays unset: poll until cancel
        polling = asyncio.gather(*(p.run(sent, [time.monotonic() + 7200]) for p in bench.pollers))
        markers = [asyncio.create_task(p.mark_read()) for p in bench.pollers]
        sender = asyncio.create_task(send_steadily(bench, pairs, args.rate, stop))
        try:
            per_fault = await run_faults(bench, stack, faults, args)
            stop.set()
            await sender
            await drain(bench, args.quiet, args.drain_cap)
        finally:
            for t in [*markers, polling, sender]:
                t.cancel()
            # settled before the HTTP client closes, so no poller outlives it
            await asyncio.gather(*markers, polling, sender, return_exceptions=True)
        settle(bench.pollers)  # type: ignore[arg-type]
        complete = [p for p in bench.pairs if p.complete]
        show_duplicates(bench, [p for p in complete if p.messages > 1])
        recoveries = [v["recovery_s"] for v in per_fault.values()]
        return {
            "faults": len(faults),
            "lost": sum(1 for p in complete if p.seen is None),
            "duplicates": sum(1 for p in complete if p.messages > 1),
            "dead_lettered_good": await dead_lettered(),
            "max_recovery_s": None if None in recoveries else max(recoveries, default=0),
            "per_fault": per_fault,
            "pairs": len(complete), "failed_pairs": sum(1 for p in bench.pairs if p.failed),
            "rate": args.rate, "restarts": stack.restarts(),
        }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=2.0, help="records published per second")
    parser.add_argument("--demanders", type=int, default=2)
    parser.add_argument("--gap", type=float, default=5.0, help="steady seconds before a fault")
    parser.add_argument("--recovery-limit", type=float, default=120.0)
    parser.add_argument(
        "--quiet",
        type=float,
        default=90.0,
        help="at the end, stop waiting after this long without an arrival",
    )
    parser.add_argument("--drain-cap", type=float, default=900.0)
    parser.add_argument("--services", nargs="*", help="start (and kill) only these services")
    parser.add_argument("--only", nargs="*", help="only faults whose name contains one of these")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep-stack", action="store_true", help="leave the temp dir")
    parser.add_argument("--operator-email", default="operator@demo.duijie.local")
    parser.add_argument("--operator-password", default="Duijie-Demo-2024")
    args = parser.parse_args()
    if args.services:  # the load needs these four
        args.services = sorted({*args.services, *PIPELINE})
    stack = ThrowawayStack(keep=args.keep_stack)
    try:
        print(f"throwaway stack in {stack.dir} (services from commit {stack.commit}): "
              f"{stack.env}", flush=True)  # fmt: skip
        print(f"stack up in {stack.up(args.services):.0f} s", flush=True)
        result = asyncio.run(main_async(args, stack))
    finally:
        stack.down()
    print(json.dumps({k: result[k] for k in ("pairs", "failed_pairs", "rate", "restarts")}))
    keys = ("faults", "lost", "duplicates", "dead_lettered_good", "max_recovery_s", "per_fault")
    print(json.dumps({k: result[k] for k in keys}, ensure_ascii=False))


if __name__ == "__main__":
    main()
