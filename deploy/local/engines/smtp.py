"""The SMTP sink as a managed process beside the engines (mails in ``.state/mail``)."""

from __future__ import annotations

import sys

from deploy.local.engines.base import Engine, port_open


class SmtpSink(Engine):
    name = "smtp"

    @property
    def port(self) -> int:
        return self.stack.smtp_port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def fetch(self) -> None:
        """Nothing to download: aiosmtpd is a Python dependency."""

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "deploy.local.smtp_sink",
            "--folder", str(self.stack.state_dir / "mail"), "--port", str(self.port),
        ]  # fmt: skip

    def healthy(self) -> bool:
        if not port_open(self.port):
            return False
        import smtplib

        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=2) as client:
                return client.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False
