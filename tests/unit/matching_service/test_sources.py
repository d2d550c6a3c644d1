"""A record closed in its market leaves matching the way a withdrawn one does."""

from __future__ import annotations

import pytest

from services.matching.handlers import record_models
from services.matching.sources import parse_type
from shared.events.contracts.techtransfer import TechNeedClosed, TechOfferClosed

pytestmark = pytest.mark.unit


def test_closed_reads_as_withdrawn() -> None:
    assert parse_type("techtransfer.need.closed") == ("tech_need", "withdrawn")
    assert parse_type("techtransfer.offer.closed") == ("tech_offer", "withdrawn")


def test_drafts_and_foreign_types_are_ignored() -> None:
    assert parse_type("techtransfer.need.drafted") is None
    assert parse_type("techtransfer.interest.accepted") is None


def test_matching_subscribes_to_closed_events() -> None:
    models = record_models()
    assert TechNeedClosed in models and TechOfferClosed in models


def test_a_small_score_drift_is_not_a_change() -> None:
    from services.matching.domain.pairs import close

    assert close(10.0, 10.4, 0.05)
    assert not close(10.0, 11.0, 0.05)
    assert not close(None, 1.0, 0.05)
