"""A bare ``wake()`` reads only the aggregates whose events this process staged; an id
staged again while a relay pass reads it stays staged for the next pass."""

from __future__ import annotations

import pytest

from shared.events import new_event
from shared.events.contracts.talent import TalentDemandPublished
from shared.outbox import _Staged, outbox_push, with_outbox

pytestmark = pytest.mark.unit


def _event(subject: str):
    payload = TalentDemandPublished(
        id=subject, owner_org_id="o1", title="架构师", seniority="senior"
    )
    return new_event(payload, subject=subject, version=1, source="talent")


def test_staging_events_records_their_subjects() -> None:
    from shared.outbox import STAGED

    with_outbox({"_id": "stage-a"}, [_event("stage-a")])
    outbox_push([_event("stage-b")])
    STAGED.woken(["stage-a", "stage-b"])  # the relay's wake() after the write
    taken = STAGED.take()
    assert {"stage-a", "stage-b"} <= set(taken)
    STAGED.settle(taken, ["stage-a", "stage-b"])
    assert not {"stage-a", "stage-b"} & set(STAGED.take())


def test_an_id_staged_again_during_a_pass_is_not_settled_by_it() -> None:
    staged = _Staged()
    staged.add(["x", "y"])
    staged.woken()
    taken = staged.take()
    staged.add(["x"])  # a second write to x lands while the relay reads
    staged.settle(taken, ["x", "y"])
    assert set(staged.take()) == {"x"}


def test_ids_no_document_ever_shows_expire() -> None:
    staged = _Staged(max_age=-1.0)
    staged.add(["lost"])
    assert staged.take() == {}


def test_an_id_staged_but_not_yet_written_is_not_settled() -> None:
    staged = _Staged()
    staged.add(["x"])
    staged.woken()
    staged.add(["x"])  # the next update is built; its write has not landed yet
    taken = staged.take()  # a pass takes x now and reads the document before that write
    staged.woken(["x"])  # the write lands, wake() runs
    staged.settle(taken, ["x"])  # the pass saw nothing new in x: it must not settle x
    assert set(staged.take()) == {"x"}


def test_a_bare_wake_lands_only_what_its_own_task_staged() -> None:
    import asyncio

    staged = _Staged()

    async def writer_a(a_wrote: asyncio.Event, b_staged: asyncio.Event) -> None:
        staged.add(["x"])
        await b_staged.wait()  # B has staged x too, its write is still in flight
        staged.woken()  # A's write landed
        a_wrote.set()

    async def writer_b(a_wrote: asyncio.Event, b_staged: asyncio.Event) -> None:
        staged.add(["x"])
        b_staged.set()
        await a_wrote.wait()

    async def run() -> dict:
        a_wrote, b_staged = asyncio.Event(), asyncio.Event()
        await asyncio.gather(writer_a(a_wrote, b_staged), writer_b(a_wrote, b_staged))
        return staged.take()

    taken = asyncio.run(run())
    assert taken == {"x": -1}  # B's staging has not landed: no pass may forget x yet
    staged.settle(taken, ["x"])
    assert "x" in staged.take()


def test_an_id_whose_writes_are_all_in_flight_is_not_read() -> None:
    staged = _Staged()
    staged.add(["x"])  # the update is built; its write has not landed: nothing to read yet
    assert staged.take() == {}
    staged.woken(["x"])
    assert staged.take() == {"x": 1}


def test_a_staging_handed_to_the_relay_is_not_read_again() -> None:
    import asyncio

    staged = _Staged()

    async def write() -> dict:
        staged.add(["x"])
        staged.release(["x"])  # outbox_landed: the relay has the entries themselves
        staged.woken()  # the use case's bare wake after the write
        return staged.take()

    assert asyncio.run(write()) == {}
