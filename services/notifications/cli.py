"""Notifications' command line: ``python -m services.notifications.cli <command>``.

seed-demo     nothing to seed: recipients arrive from identity's events (kept for the stack)
housekeeping  drop inbox messages and finished delivery jobs past their retention
send-test-mail  send one mail through the configured SMTP server (check the set-up)
"""

from __future__ import annotations

import asyncio
import os

import typer

from services.notifications.channels import DeliveryFailed
from services.notifications.channels.email import Mail
from services.notifications.settings import get_notifications_settings
from services.notifications.storage import Repositories
from services.notifications.usecases import Deps
from services.notifications.usecases.delivery import housekeeping as housekeeping_uc
from shared.db import create_mongo_client
from shared.settings import get_settings

app = typer.Typer(help=__doc__, no_args_is_help=True)


def database_name() -> str:
    return f"{get_settings().db_prefix}_{get_notifications_settings().database}"


@app.command("seed-demo")
def seed_demo() -> None:
    """No demo data: users are learned from identity.user events, messages from events."""
    typer.echo("notifications: nothing to seed (recipients come from identity's events)")


@app.command("housekeeping")
def housekeeping() -> None:
    """Delete messages and finished jobs older than their retention settings."""

    async def main() -> tuple[int, int]:
        from services.notifications.main import mailer_from, webhook_sender_stub

        client = create_mongo_client(get_settings())
        try:
            repos = Repositories.over(client[database_name()])
            settings = get_notifications_settings()
            deps = Deps(repos, settings, mailer_from(settings), webhook_sender_stub())
            return await housekeeping_uc(deps)
        finally:
            await client.close()

    messages, jobs = asyncio.run(main())
    typer.echo(f"deleted {messages} messages and {jobs} finished delivery jobs")


@app.command("send-test-mail")
def send_test_mail(to: str = typer.Option(..., help="recipient address")) -> None:
    """One plain mail through the configured SMTP server."""
    from services.notifications.main import mailer_from

    mailer = mailer_from(get_notifications_settings())
    mail = Mail(to, "对接平台测试邮件 / Duijie test mail", "测试 / test", "test")
    try:
        asyncio.run(mailer.send(mail))
    except DeliveryFailed as exc:
        typer.echo(f"error: {exc.reason}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"sent via {mailer.host}:{mailer.port}")


if __name__ == "__main__":
    app(prog_name=os.environ.get("DUIJIE_CLI_NAME", "notifications"))
