"""``make bench-portal``: full server renders of the portal's pages with the stack up.

Signs in as each demo role through the portal's own form (cookies and CSRF as a browser
keeps them), then fetches every page of that role's navigation ``--rounds`` times, one
after another, timing each full response. Beside it, in the same run, the floor: the
same number of ``/healthz`` calls to the portal (no service behind it). The last line
is one JSON object: {"pages": N, "p50_ms": N, "p95_ms": N, ...}.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time

import httpx

from services.portal.pages.render import NAV
from shared.auth import OrgType
from shared.demo import DEMO_PASSWORD, demo_email


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def sign_in(client: httpx.Client, key: str) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf, "no CSRF token on the sign-in form"
    done = client.post("/login", data={"email": demo_email(key), "password": DEMO_PASSWORD,
                                       "csrf": csrf.group(1), "next": "/"})  # fmt: skip
    assert done.status_code in (200, 303) and "dj_access" in client.cookies, done.text[:200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times: list[float] = []
    failures = 0
    for org_type in OrgType:
        with httpx.Client(base_url=args.url, timeout=30, follow_redirects=False) as client:
            sign_in(client, org_type.value)
            paths = [href for _, href in NAV[org_type]]
            for _ in range(args.rounds):
                for path in paths:
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append(time.perf_counter() - start)
                    failures += response.status_code != 200
    floor: list[float] = []
    with httpx.Client(base_url=args.url, timeout=30) as client:
        for _ in range(len(times)):
            start = time.perf_counter()
            client.get("/healthz")
            floor.append(time.perf_counter() - start)
    result = {
        "pages": len(times),
        "p50_ms": round(pct(times, 0.50), 1),
        "p95_ms": round(pct(times, 0.95), 1),
        "mean_ms": round(statistics.fmean(times) * 1000, 1),
        "failures": failures,
        "floor_p95_ms": round(pct(floor, 0.95), 1),
    }
    print(f"{result['pages']} page renders: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"
          f" (healthz floor p95 {result['floor_p95_ms']} ms), {failures} not 200")  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
