"""Talent's event builders: every candidate and placement event is built from the entity
without a trace of its personal data, and every payload validates against its contract."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.talent import events
from services.talent.domain import candidates
from services.talent.domain.candidates import Candidate, CvFile, Personal
from shared.events.contracts import load_all

pytestmark = pytest.mark.unit
NOW = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
PERSONAL = Personal(name="保密人员赵六", phone="13600001111", email="zhao.liu@secret.example",
                    summary="曾任某公司首席架构师")  # fmt: skip


def _journey() -> list[tuple[Candidate, tuple[str, ...]]]:
    c = Candidate(id="cand-1", demand_id="d", role_title="架构师", claim_id="cl", agency_id="a",
                  enterprise_org_id="e", person_hash="h" * 32, person_keys=["h" * 32, "k" * 32],
                  personal=PERSONAL, created_at=NOW, updated_at=NOW)  # fmt: skip
    steps = [candidates.submit(c)]
    cv = CvFile(file_id="cv-1", content_type="application/pdf", size=1000, sha256="0" * 64)
    steps.append(candidates.attach_cv(steps[-1].entity, cv, NOW))
    for action in ("shortlist", "interview", "offer", "hire"):
        steps.append(candidates.advance(steps[-1].entity, action, "e", NOW, 90))
    steps.append(candidates.report_leaver(steps[-1].entity, "e", "个人原因", NOW))
    steps.append(candidates.reject(candidates.submit(c).entity, "e", "不匹配", NOW))
    return [(t.entity, t.events) for t in steps]


def test_no_candidate_event_carries_personal_data() -> None:
    load_all()
    built = [e for entity, names in _journey() for e in events.candidate_events(entity, names)]
    types = {e.type for e in built}
    assert {"talent.candidate.submitted", "talent.candidate.cv_attached",
            "talent.candidate.advanced", "talent.placement.started",
            "talent.placement.ended", "talent.candidate.rejected"} <= types  # fmt: skip
    text = json.dumps([e.model_dump(mode="json") for e in built], ensure_ascii=False)
    for needle in ("保密人员赵六", "13600001111", "zhao.liu", "secret.example", "首席架构师",
                   "k" * 32):  # fmt: skip
        assert needle not in text
    assert all(e.data["person_hash"] == "h" * 32 for e in built if "person_hash" in e.data)
