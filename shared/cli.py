"""What every service's command line shares: run one use case on the service's database.

A command builds the service's ``Deps`` over its database (repositories with their
indexes), runs one action, and closes the client. Events a command causes wait in the
stored changes for the service's relay: a command line never talks to Kafka. A domain
refusal is printed as ``error: …`` with exit status 1, not a traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase

from shared.db import create_mongo_client, database_name
from shared.errors import DuijieError
from shared.settings import get_settings

D = TypeVar("D")
T = TypeVar("T")


def run_on_database(
    service: str,
    deps_over: Callable[[AsyncDatabase[Any]], Awaitable[D]],
    action: Callable[[D], Awaitable[T]],
) -> T:
    """Run ``action`` with the deps ``deps_over`` builds on ``service``'s database."""

    async def main() -> T:
        settings = get_settings()
        client = create_mongo_client(settings)
        try:
            deps = await deps_over(client[database_name(service, settings)])
            return await action(deps)
        finally:
            await client.close()

    try:
        return asyncio.run(main())
    except DuijieError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
