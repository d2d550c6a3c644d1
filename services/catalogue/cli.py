"""Catalogue's command line: ``python -m services.catalogue.cli <command>``.

seed-demo   demo applications, a published demo edition, an SOE need with a docking and a
            launch event (local use only)
sweep       expire listings, close needs past deadline, re-apply the edition in force,
            promote waiters, now
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from services.catalogue.demo import seed_demo
from services.catalogue.settings import get_catalogue_settings
from services.catalogue.storage import Repositories
from services.catalogue.usecases import Deps
from services.catalogue.usecases.sweep import sweep_once
from shared.db import create_mongo_client, database_name
from shared.errors import DuijieError
from shared.settings import get_settings

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    """Run ``action`` on the database; the events wait in the stored changes for the
    service's relay (the CLI never talks to Kafka)."""

    async def main() -> T:
        settings = get_settings()
        client = create_mongo_client(settings)
        try:
            repos = Repositories.over(client[database_name("catalogue", settings)])
            await repos.ensure_indexes()
            return await action(Deps(repos=repos, settings=get_catalogue_settings()))
        finally:
            await client.close()

    try:
        return asyncio.run(main())
    except DuijieError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Demo applications, edition, need, docking and launch event; safe to run again."""
    for line in run(seed_demo):
        typer.echo(line)


@app.command("sweep")
def sweep() -> None:
    """What the service's sweeper does every half minute, once, now."""
    typer.echo(run(sweep_once))


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "catalogue"))
