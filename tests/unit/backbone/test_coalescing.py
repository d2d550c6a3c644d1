"""The coalescer: concurrent callers share one request, each gets its own outcome, a
failed request reaches everyone in it, and an idle caller is sent at once."""

from __future__ import annotations

import asyncio

import pytest

from shared.coalescing import Coalescer


async def test_concurrent_callers_share_a_request_and_fail_alone() -> None:
    sent: list[list[int]] = []

    async def send(items: list[int]) -> list[int | BaseException]:
        sent.append(items)
        await asyncio.sleep(0)
        return [ValueError(f"bad {i}") if i == 3 else i * 10 for i in items]

    co: Coalescer[int, int] = Coalescer(send, max_items=4)
    results = await asyncio.gather(*(co.submit(i) for i in range(6)), return_exceptions=True)
    assert results[:3] == [0, 10, 20] and results[4:] == [40, 50]
    assert isinstance(results[3], ValueError)  # only its own caller hears of it
    assert sent == [[0, 1, 2, 3], [4, 5]]  # bounded by count
    assert await co.submit(7) == 70  # idle: sent alone, at once
    assert (co.batches, co.items) == (3, 7)


async def test_a_failed_request_fails_every_caller_in_it_and_the_next_one_runs() -> None:
    calls = 0

    async def send(items: list[int]) -> list[int | BaseException]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("engine away")
        return items

    co: Coalescer[int, int] = Coalescer(send)
    first = await asyncio.gather(co.submit(1), co.submit(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in first)
    assert await co.submit(3) == 3


async def test_a_cancelled_caller_does_not_break_its_batch() -> None:
    gate = asyncio.Event()

    async def send(items: list[int]) -> list[int | BaseException]:
        await gate.wait()
        return items

    co: Coalescer[int, int] = Coalescer(send)
    a = asyncio.create_task(co.submit(1))
    b = asyncio.create_task(co.submit(2))
    await asyncio.sleep(0.01)
    a.cancel()
    gate.set()
    assert await b == 2
    with pytest.raises(asyncio.CancelledError):
        await a
