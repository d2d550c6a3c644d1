"""Roadshows' command line: ``python -m services.roadshows.cli <command>``.

seed-demo   a fund's mandate, a pitch and a calendar with a month to flag (local use only)
sweep       heal seat promotions whose bookings lagged the seat units, now
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from pymongo.asynchronous.database import AsyncDatabase

from services.roadshows.demo import seed_demo
from services.roadshows.settings import get_roadshows_settings
from services.roadshows.storage import Repositories
from services.roadshows.usecases import Deps
from services.roadshows.usecases.sweep import sweep_once
from shared.cli import run_on_database

app = typer.Typer(help=__doc__, no_args_is_help=True)
T = TypeVar("T")


async def deps_over(db: AsyncDatabase[Any]) -> Deps:
    repos = Repositories.over(db)
    await repos.ensure_indexes()
    return Deps(repos=repos, settings=get_roadshows_settings())


def run(action: Callable[[Deps], Awaitable[T]]) -> T:
    return run_on_database("roadshows", deps_over, action)


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Demo mandate, pitch and calendar; safe to run again."""
    for line in run(seed_demo):
        typer.echo(line)


@app.command("sweep")
def sweep() -> None:
    """What the service's sweeper does every minute, once, now."""
    typer.echo(f"promoted {run(sweep_once)}")


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "roadshows"))
