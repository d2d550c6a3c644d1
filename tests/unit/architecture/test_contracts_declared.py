"""What a service publishes is declared in its AsyncAPI document, and what notifications
reads from an event exists in that event's fixtures (a renamed field fails here instead
of silently notifying nobody)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from services.notifications.domain.groups import DirectoryEntry, members
from services.notifications.domain.rules import RULES, IncomingEvent, notice_for, with_members
from shared.bootstrap import published_types
from shared.events import Envelope
from shared.events.contracts import load_all
from shared.events.registry import registry
from shared.web import asyncapi_document

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "events"
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "main.py").exists())


@pytest.mark.parametrize("service", SERVICES)
def test_every_published_type_is_in_the_asyncapi_document(service: str) -> None:
    app = importlib.import_module(f"services.{service}.main").create_app()
    document = json.dumps(asyncapi_document(app).to_jsonable(), ensure_ascii=False)
    missing = [t for t in published_types(service) if t not in document]
    assert missing == []


def _fixtures(event_type: str) -> list[Path]:
    return sorted((FIXTURES / event_type).glob("*.json"))


def _directory() -> list[DirectoryEntry]:
    """The organisations identity's fixtures describe: what a group audience (operators,
    a district's government) resolves through, as notifications' directory does."""
    paths = [*_fixtures("identity.organisation.registered"),
             *_fixtures("identity.organisation.updated")]  # fmt: skip
    found = []
    for path in paths:
        envelope = Envelope.model_validate_json(path.read_text(encoding="utf-8"))
        found.append(DirectoryEntry.model_validate({**envelope.data, "version": envelope.version}))
    return found


@pytest.mark.parametrize("event_type", sorted(RULES))
def test_each_rule_reaches_someone_on_its_fixtures(event_type: str) -> None:
    load_all()
    assert event_type in registry.types(), f"no contract for {event_type}"
    fixtures = _fixtures(event_type)
    assert fixtures, f"no fixture in tests/fixtures/events/{event_type}/"
    for path in fixtures:
        envelope = Envelope.model_validate_json(path.read_text(encoding="utf-8"))
        event = IncomingEvent(
            id=envelope.id, type=envelope.type, subject=envelope.subject,
            time=envelope.time, data=envelope.data,
        )  # fmt: skip
        notice = notice_for(event)
        assert notice is not None, f"{path.name}: the rule finds no audience"
        notice = with_members(notice, members(notice.groups, _directory()))
        assert notice.audiences, f"{path.name}: no organisation in its groups {notice.groups}"
        assert all(a.organisation_id for a in notice.audiences)
        assert notice.subject_id, f"{path.name}: the rule finds no record to link"
