"""Self-sign-up's state machine and its e-mail check token (pure domain, no engines), and
the one publish gate in shared.auth."""

from __future__ import annotations

import datetime as dt

import pytest

from services.identity.domain.signup import (
    SignUpError,
    SignUpRecord,
    Standing,
    confirm_email,
    decide,
    holds_registry_key,
    may_sign_in,
    new_email_check,
    parse_token,
    renew_email_check,
)
from shared.auth import Caller, OrgType, Role, ensure_verified
from shared.errors import ForbiddenError

pytestmark = pytest.mark.unit
NOW = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
ORG = "5f1c0a7e9b3d4c2a8e6f0b1d2c3a4e5f"


def fresh() -> tuple[str, SignUpRecord]:
    check = new_email_check(ORG, NOW, DAY)
    record = SignUpRecord(
        email_check_digest=check.digest, email_check_expires_at=check.expires_at, signed_up_at=NOW
    )
    return check.token, record


def code_of(call) -> str:
    with pytest.raises(SignUpError) as info:
        call()
    return info.value.code


def test_the_token_names_the_organisation_and_only_its_digest_is_kept() -> None:
    token, record = fresh()
    org_id, secret = parse_token(token)
    assert org_id == ORG and len(secret) >= 40
    assert secret not in record.model_dump_json() and token not in repr(record)
    assert fresh()[0] != token  # random each time


@pytest.mark.parametrize("bad", ["", "nodot", f"{ORG}.short", f"../{ORG}.{'x' * 43}", "a.b.c"])
def test_malformed_tokens_are_invalid(bad: str) -> None:
    assert code_of(lambda: parse_token(bad)) == "invalid_token"


def test_confirm_moves_on_once_within_the_time() -> None:
    token, record = fresh()
    _, secret = parse_token(token)
    confirmed = confirm_email(Standing.pending_email, record, secret, NOW + dt.timedelta(hours=1))
    assert confirmed.email_confirmed_at == NOW + dt.timedelta(hours=1)
    # the same link again: the organisation is no longer waiting for it
    used = code_of(lambda: confirm_email(Standing.pending_verification, confirmed, secret, NOW))
    assert used == "token_used"


def test_a_wrong_expired_or_replaced_link_is_refused() -> None:
    token, record = fresh()
    _, secret = parse_token(token)
    assert code_of(lambda: confirm_email(Standing.pending_email, record, "x" * 43, NOW)) == (
        "invalid_token"
    )
    late = NOW + DAY
    assert code_of(lambda: confirm_email(Standing.pending_email, record, secret, late)) == (
        "token_expired"
    )
    renewed = renew_email_check(Standing.pending_email, record, new_email_check(ORG, late, DAY))
    assert code_of(lambda: confirm_email(Standing.pending_email, renewed, secret, late)) == (
        "invalid_token"
    )
    assert code_of(lambda: confirm_email(Standing.pending_email, None, secret, NOW)) == (
        "invalid_token"
    )


def test_only_a_pending_e_mail_check_is_renewed() -> None:
    _, record = fresh()
    check = new_email_check(ORG, NOW, DAY)
    assert code_of(lambda: renew_email_check(Standing.verified, record, check)) == (
        "not_pending_email"
    )


def test_operators_verify_a_confirmed_sign_up_or_reject_one_not_yet_decided() -> None:
    _, record = fresh()
    kw = {"by_organisation": "op", "by_user": "u", "now": NOW}
    standing, decided = decide(Standing.pending_verification, record, approve=True, **kw)
    assert standing is Standing.verified and decided.decided_by_organisation_id == "op"
    standing, decided = decide(
        Standing.pending_email, record, approve=False, reason="信用代码不符", **kw
    )
    assert standing is Standing.rejected and decided.rejection_reason == "信用代码不符"
    for state in (Standing.verified, Standing.rejected):
        for approve in (True, False):
            assert code_of(lambda s=state, a=approve: decide(s, record, approve=a, **kw)) == (
                "not_awaiting_verification"
            )
    # an unconfirmed e-mail cannot be verified, and an operator-made organisation has no
    # sign-up to decide on
    assert code_of(lambda: decide(Standing.pending_email, record, approve=True, **kw))
    assert code_of(lambda: decide(Standing.pending_verification, None, approve=True, **kw))


def test_sign_in_and_the_credit_code_by_standing() -> None:
    assert not may_sign_in(Standing.pending_email)
    assert all(may_sign_in(s) for s in Standing if s is not Standing.pending_email)
    assert not holds_registry_key(Standing.rejected)
    assert all(holds_registry_key(s) for s in Standing if s is not Standing.rejected)


def test_the_verified_claim_defaults_to_verified_and_gates_publishing() -> None:
    caller = Caller(user_id="u", organisation_id="o", org_type=OrgType.enterprise, role=Role.admin)
    claims = caller.to_claims()
    assert claims["verified"] is True
    del claims["verified"]  # a token from before the claim existed
    assert Caller.from_claims(claims).verified
    ensure_verified(caller)
    pending = Caller.from_claims({**caller.to_claims(), "verified": False})
    with pytest.raises(ForbiddenError) as info:
        ensure_verified(pending)
    problem = info.value.problems[0]
    assert problem.code == "organisation_not_verified" and problem.field == "caller"
    assert "审核" in problem.zh and "verified" in problem.en
