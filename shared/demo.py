"""Demo identities every service's ``seed-demo`` refers to (local use only).

Ids are fixed (uuid5 of a key such as ``enterprise``), so one service's demo data can name
another's organisations without importing that service. Keys: operator, enterprise,
university, soe, government, investor, headhunter.
"""

from __future__ import annotations

import uuid

DEMO_PASSWORD = "Duijie-Demo-2024"  # noqa: S105 - documented local demo password
_NS = uuid.UUID("6f0c2d2e-8a55-4c1e-9d5a-0a1b2c3d4e5f")


def demo_id(key: str) -> str:
    """The id of demo organisation ``key`` (and of its admin user, ``<key>-admin``)."""
    return uuid.uuid5(_NS, f"demo:{key}").hex


def demo_email(key: str) -> str:
    return f"{key}@demo.duijie.local"
