"""A local SMTP sink that keeps every mail it receives as a ``.eml`` file, so a person
can read what the notifications service sent (``python -m deploy.local.smtp_sink``)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import typer
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class MailFolder:
    """aiosmtpd handler: one file per message, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        scratch = self.folder / f".{name}"
        content = envelope.original_content or b""
        scratch.write_bytes(content)
        scratch.rename(self.folder / name)
        return "250 Message accepted for delivery"


def main(
    folder: Path = typer.Option(..., help="where received mails are kept"),
    port: int = typer.Option(1025),
) -> None:
    controller = Controller(MailFolder(folder), hostname="127.0.0.1", port=port)
    controller.start()
    typer.echo(f"smtp sink on 127.0.0.1:{port}, mails in {folder}")
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    typer.run(main)
