"""Natural batching of round trips: concurrent callers that arrive together share one.

Events are handled concurrently (``EventConsumer`` lanes: one at a time per key, up to
``concurrency`` at once). Each handler used to pay its own round trips (an index write
with its own refresh, a search, an insert). A :class:`Coalescer` queues the items of
concurrent callers and sends them as one request (``_bulk``, ``_msearch``,
``insert_many``): the first caller starts a flush at once, and everyone who arrives
while that request is in flight rides in the next one. An idle system pays no added
wait; a loaded one pays one round trip per batch instead of per event, which is where
the engines' CPU went.

Each caller gets its own outcome back: a per-item error (one record the index refuses,
one failing query) is raised to that caller alone, so a poison event still fails alone
and goes to the dead-letter topic alone; a failure of the whole request (the engine is
away) is raised to every caller in it, which the consumer treats as an outage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Coalescer(Generic[Item, Result]):
    """Queues items; one ``send(items)`` per batch of at most ``max_items``.

    ``send`` returns one entry per item, in order: a result, or an exception instance
    that is raised to that item's caller only.
    """

    def __init__(
        self, send: Callable[[list[Item]], Awaitable[list[Result | BaseException]]],
        *, max_items: int = 64,
    ) -> None:  # fmt: skip
        self._send = send
        self.max_items = max_items
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # for tests and metrics: requests sent
        self.items = 0

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush(), name="coalescer")
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # callers scheduled in the same loop turn join this batch
        while self._queue:
            batch, self._queue = self._queue[: self.max_items], self._queue[self.max_items :]
            self.batches += 1
            self.items += len(batch)
            try:
                results = await self._send([item for item, _ in batch])
            except asyncio.CancelledError:
                for _, future in batch + self._queue:
                    future.cancel()
                raise
            except Exception as exc:  # the whole request failed: everyone hears of it
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # its caller was cancelled meanwhile
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
