"""Catalogue's command line: ``python -m services.catalogue.cli <command>``.

seed-demo   demo applications, a published demo edition, an SOE need with a docking and a
            launch event (local use only)
sweep       expire listings, close needs past deadline, re-apply the edition in force,
            promote waiters, now
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase

from services.catalogue.demo import seed_demo
from services.catalogue.settings import get_catalogue_settings
from services.catalogue.storage import Repositories
from services.catalogue.usecases import Deps
from services.catalogue.usecases.sweep import sweep_once
from shared.cli import run_on_database

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


async def deps_over(db: AsyncDatabase[Any]) -> Deps:
    repos = Repositories.over(db)
    await repos.ensure_indexes()
    return Deps(repos=repos, settings=get_catalogue_settings())


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    return run_on_database("catalogue", deps_over, action)


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
