"""A test's own SMTP sink: ``deploy.local``'s ``MailFolder`` on a free port, and the mails
it kept, parsed. Identity's sign-up tests and notifications' delivery tests both read
what was mailed from it."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from deploy.local.smtp_sink import MailFolder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_sink(folder: Path) -> Iterator[int]:
    """An SMTP server on 127.0.0.1 keeping each mail as a file in ``folder``; yields its port."""
    controller = Controller(MailFolder(folder), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def mails(folder: Path, to: str | None = None) -> list[EmailMessage]:
    """The mails kept in ``folder`` (those to ``to`` only, when given). The sink names its
    files by the second, so their order says little."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to is None or mail["To"] == to:
            found.append(mail)
    return found  # type: ignore[return-value]
