"""Techtransfer's command line: ``python -m services.techtransfer.cli <command>``.

seed-demo   published offers and needs of identity's demo organisations (local use only)
sweep       expire unanswered interests and meeting requests, schedule closed sessions now
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase

from services.techtransfer.demo import seed_demo
from services.techtransfer.settings import get_techtransfer_settings
from services.techtransfer.storage import Repositories
from services.techtransfer.usecases import Deps
from services.techtransfer.usecases.sweep import sweep_once
from shared.cli import run_on_database

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


async def deps_over(db: AsyncDatabase[Any]) -> Deps:
    repos = Repositories.over(db)
    await repos.ensure_indexes()
    return Deps(repos=repos, settings=get_techtransfer_settings())


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    """Run ``action`` against the database; the changes it saves wait (nudged) for the service's
    relay to publish (the CLI never talks to Kafka)."""
    return run_on_database("techtransfer", deps_over, action)


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Published demo offers and needs; safe to run again."""
    for line in run(seed_demo):
        typer.echo(line)


@app.command("sweep")
def sweep() -> None:
    """What the service's sweeper does every few minutes, once, now."""
    run(sweep_once)
    typer.echo("swept")


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "techtransfer"))
