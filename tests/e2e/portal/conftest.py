"""The portal in a real browser (Debian's Chromium driven by Playwright) against real
service processes on the real engines, with the demo organisations seeded.

Playwright's own browser download cannot reach its host here, so it drives the system
Chromium (``/usr/bin/chromium``, installed by ``make test``'s browser step). Screenshots
go to ``test-artifacts/portal/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.demo import DEMO_PASSWORD, demo_email
from tests.support.mail import smtp_sink

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "portal"
BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


START_S = 420.0  # a service's start-up deadline (a busy machine, not a hang)
#: the market services whose sections the portal shows (each with its own process)
MARKETS = ("catalogue", "talent", "roadshows", "scenarios", "reporting")


@dataclass
class Portal:
    url: str
    services: dict[str, str]
    mail: Path | None = None  # identity's sign-up mails, one .eml each (this run's sink)

    def login(self, page: Any, key: str) -> None:
        """Sign in as the demo organisation ``key``'s admin through the form."""
        page.goto(f"{self.url}/login")
        page.get_by_label("邮箱").fill(demo_email(key))
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{self.url}/")

    def token(self, key: str) -> str:
        """An access token of demo organisation ``key``'s admin (for setting up through
        the services' APIs what the journey under test starts from)."""
        import httpx

        answer = httpx.post(f"{self.services['identity']}/auth/token", timeout=30,
                            json={"email": demo_email(key), "password": DEMO_PASSWORD})  # fmt: skip
        answer.raise_for_status()
        return str(answer.json()["access_token"])


@pytest.fixture(scope="session")
def mail_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """This run's own SMTP sink (folder, port): identity mails the sign-up check there, so
    a journey reads its link without depending on the local stack's sink."""
    folder = tmp_path_factory.mktemp("mail")
    with smtp_sink(folder) as port:
        yield folder, port


@pytest.fixture(scope="session")
def portal(start_service: Any, start_services: Any, run_cli: Any, mail_sink: Any) -> Portal:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make test installs it)")
    # seeded before identity starts: its relay's first pass publishes the demo users,
    # which notifications must know before a suggestion can reach them
    run_cli("services.identity.cli", "seed-demo")
    run_cli("services.scenarios.cli", "seed-demo")  # batch 1 with two demo scenarios
    identity = start_service("identity", DUIJIE_IDENTITY_SMTP_PORT=str(mail_sink[1])).url
    jwks = f"{identity}/.well-known/jwks.json"
    # nine processes starting at once on 2 shared cores: techtransfer took 238 s at load
    # ~25, past the default deadline
    others = start_services("techtransfer", "matching", "notifications", *MARKETS,
                            timeout=START_S, DUIJIE_JWKS_URL=jwks)  # fmt: skip
    urls = {"identity": identity, **{n: s.url for n, s in others.items()}}
    env = {f"DUIJIE_PORTAL_{n.upper()}_URL": u for n, u in urls.items()}
    site = start_service("portal", DUIJIE_JWKS_URL=jwks, DUIJIE_PORTAL_INBOX_WAIT_S="5", **env)
    return Portal(site.url, urls, mail=mail_sink[0])


# Package scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and every async test after this package would then fail with
# "Runner.run() cannot be called from a running event loop".
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as shown."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
