"""``python -m shared.republish SERVICE --since 2026-01-01T00:00:00Z``: publish again every
event of the service's stored changes since a moment, in version order per aggregate.

For a consumer that lost its read model or a topic that lost messages: the changes are
the source of truth. Consumers deduplicate on event ids and apply versions, so a replay
changes nothing that already holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

import typer
from rich.progress import Progress

from shared.broker import create_producer
from shared.db import create_mongo_client, database_name
from shared.relay import ChangeRelay
from shared.settings import get_settings
from shared.store import changes_since

app = typer.Typer(add_completion=False, help=__doc__)


async def republish(service: str, since: dt.datetime, batch: int = 200) -> int:
    """Publish the events of ``service``'s changes at or after ``since``; returns how many
    changes went out."""
    settings = get_settings()
    client = create_mongo_client(settings)
    relay = ChangeRelay(
        client[database_name(service, settings)], create_producer(settings),
        service=service, settings=settings,
    )  # fmt: skip
    await relay.producer.start()
    try:
        changes = await changes_since(relay.db, since)
        done = 0
        with Progress() as progress:
            task = progress.add_task(f"{service}: republishing", total=len(changes))
            for lo in range(0, len(changes), batch):
                chunk = [
                    await relay.db["changes"].find_one({"_id": c["_id"]})
                    for c in changes[lo : lo + batch]
                ]
                done += await relay.publish([c for c in chunk if c is not None])
                progress.update(task, advance=len(chunk))
        return done
    finally:
        await relay.producer.stop()
        await client.close()


@app.command()
def main(
    service: Annotated[str, typer.Argument(help="the service whose changes to replay")],
    since: Annotated[dt.datetime, typer.Option(help="replay changes stored at or after this")],
) -> None:
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    count = asyncio.run(republish(service, since))
    typer.echo(f"{service}: {count} changes republished since {since.isoformat()}")


if __name__ == "__main__":
    app()
