"""The inbox doorbell behind long polling: a ring after the poller looked is never missed,
a ring wakes a waiting poller, and silence ends at the wait's end."""

from __future__ import annotations

import asyncio

import pytest

from services.notifications.usecases import Doorbell

pytestmark = pytest.mark.unit


async def test_a_ring_between_the_read_and_the_wait_is_not_missed() -> None:
    bell = Doorbell()
    looked = bell.mark("u1")  # the poller read an empty inbox
    bell.ring("u1")  # a message is stored before it starts to wait
    assert await bell.wait("u1", looked, seconds=30)  # at once, not after 30 s


async def test_a_ring_wakes_a_waiting_poller_and_only_its_user() -> None:
    bell = Doorbell()
    mine = asyncio.create_task(bell.wait("u1", bell.mark("u1"), seconds=30))
    other = asyncio.create_task(bell.wait("u2", bell.mark("u2"), seconds=30))
    await asyncio.sleep(0)  # one loop turn: both tasks reach their wait (no timing involved)
    bell.ring("u1")
    assert await asyncio.wait_for(mine, 5) is True
    assert not other.done()
    other.cancel()


async def test_silence_ends_at_the_wait() -> None:
    bell = Doorbell()
    assert await bell.wait("u1", bell.mark("u1"), seconds=0.01) is False
