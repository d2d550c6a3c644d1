"""Password policy and hashing; the throttle's counting rule."""

import datetime as dt

import pytest

from services.identity.domain.passwords import (
    PasswordPolicyError,
    check_policy,
    hash_password,
    verify_password,
)
from services.identity.domain.throttle import ThrottlePolicy, after_failure, retry_after

pytestmark = pytest.mark.unit


def test_argon2id_hash_verifies_and_never_contains_the_password() -> None:
    hashed = hash_password("Correct-Horse-9")
    assert hashed.startswith("$argon2id$") and "Correct-Horse-9" not in hashed
    assert verify_password(hashed, "Correct-Horse-9")
    assert not verify_password(hashed, "correct-horse-9")
    assert not verify_password(None, "anything")  # unknown user: still one verification
    assert not verify_password("not-a-hash", "x")


@pytest.mark.parametrize("bad", ["short1A", "a" * 12, "x" * 129, "someone@example.cn"])
def test_policy_refuses(bad: str) -> None:
    with pytest.raises(PasswordPolicyError) as info:
        check_policy(bad, email="someone@example.cn")
    assert bad not in str(info.value)


def test_policy_accepts_mixed_passwords() -> None:
    check_policy("duijie-demo-2024", email="a@b.cn")


def test_throttle_locks_after_max_failures_within_the_window() -> None:
    policy = ThrottlePolicy(3, dt.timedelta(minutes=15), dt.timedelta(minutes=10))
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    counter = None
    for i in range(2):
        counter = after_failure(counter, policy, t0 + dt.timedelta(minutes=i))
        assert retry_after(counter, t0 + dt.timedelta(minutes=i)) is None
    counter = after_failure(counter, policy, t0 + dt.timedelta(minutes=2))
    assert retry_after(counter, t0 + dt.timedelta(minutes=2)) == 600
    assert retry_after(counter, t0 + dt.timedelta(minutes=12)) is None


def test_failures_outside_the_window_start_again() -> None:
    policy = ThrottlePolicy(3, dt.timedelta(minutes=15), dt.timedelta(minutes=10))
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    counter = after_failure(None, policy, t0)
    counter = after_failure(counter, policy, t0 + dt.timedelta(minutes=1))
    counter = after_failure(counter, policy, t0 + dt.timedelta(minutes=20))
    assert counter.failures == 1 and counter.locked_until is None
