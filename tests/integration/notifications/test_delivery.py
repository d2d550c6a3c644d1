"""Events become inbox messages once per recipient; preferences route to e-mail (a real
SMTP sink) and to signed webhooks (a real receiver), with retries and give-up."""

from __future__ import annotations

import datetime as dt

import pytest

from services.notifications.domain.preferences import Category, CategoryChoice, Preferences
from services.notifications.domain.records import JobStatus
from services.notifications.usecases import inbox, webhooks
from services.notifications.usecases.notify import notify
from tests.integration.notifications.conftest import Harness, match_event, new_org, wait_for

pytestmark = pytest.mark.integration


async def test_an_event_delivered_twice_makes_one_message_per_recipient(h: Harness) -> None:
    org = new_org()
    alice = await h.learn(org, "李雷")
    bob = await h.learn(org, "Bob", language="en")
    outsider = await h.learn(new_org(), "韩梅梅")
    event = match_event(org)
    assert await notify(h.deps, event) == 2
    assert await notify(h.deps, event) == 2  # redelivered
    for user in (alice, bob):
        page = await inbox.page(h.deps, user, unread_only=False, limit=10, cursor=None)
        assert len(page.items) == 1 and page.unread == 1
    zh = (await inbox.page(h.deps, alice, unread_only=False, limit=10, cursor=None)).items[0]
    en = (await inbox.page(h.deps, bob, unread_only=False, limit=10, cursor=None)).items[0]
    assert zh.title == "新的匹配推荐：科技成果" and en.title == "New match: technology achievement"
    assert zh.link == "http://portal.test/techtransfer/offers/offer-1" == en.link
    assert await inbox.unread_count(h.deps, outsider) == 0


async def test_saved_search_hit_reaches_only_its_user(h: Harness) -> None:
    org = new_org()
    saver = await h.learn(org, "张伟")
    colleague = await h.learn(org, "王芳")
    event = match_event(
        org, trigger="saved_search", reason="saved_search", user_id=saver,
        record_id="offer-7", record_kind="tech_offer", saved_search_id="ss-1",
    )  # fmt: skip
    assert await notify(h.deps, event) == 1
    assert await inbox.unread_count(h.deps, saver) == 1
    assert await inbox.unread_count(h.deps, colleague) == 0


async def test_inbox_pages_filters_and_marks_read(h: Harness) -> None:
    org = new_org()
    user = await h.learn(org, "赵敏")
    for _ in range(5):
        await notify(h.deps, match_event(org))
    first = await inbox.page(h.deps, user, unread_only=False, limit=2, cursor=None)
    second = await inbox.page(h.deps, user, unread_only=False, limit=2, cursor=first.next_cursor)
    third = await inbox.page(h.deps, user, unread_only=False, limit=2, cursor=second.next_cursor)
    seen = [m.id for m in first.items + second.items + third.items]
    assert len(seen) == 5 == len(set(seen)) and third.next_cursor is None
    await inbox.mark_read(h.deps, user, seen[0])
    unread = await inbox.page(h.deps, user, unread_only=True, limit=10, cursor=None)
    assert [m.id for m in unread.items] == seen[1:] and unread.unread == 4
    part = await inbox.page(h.deps, user, unread_only=True, limit=2, cursor=None)
    assert len(part.items) == 2 and part.unread == 4  # more than a page: counted
    assert await inbox.mark_all_read(h.deps, user) == 4
    assert await inbox.unread_count(h.deps, user) == 0


async def test_off_keeps_the_message_read_and_pushes_nothing(h: Harness) -> None:
    org = new_org()
    user = await h.learn(org, "钱进")
    await h.deps.repos.preferences.put(
        user, Preferences(categories={Category.match: CategoryChoice(channel="off")})
    )
    await notify(h.deps, match_event(org))
    page = await inbox.page(h.deps, user, unread_only=False, limit=10, cursor=None)
    assert len(page.items) == 1 and not page.items[0].unread and page.unread == 0


async def test_email_preference_sends_one_mail_through_smtp(h: Harness) -> None:
    org = new_org()
    user = await h.learn(org, "孙丽")
    address = "sun.li@example.cn"
    await h.deps.repos.preferences.put(
        user,
        Preferences(email=address, categories={Category.match: CategoryChoice(channel="email")}),
    )
    event = match_event(org)
    await notify(h.deps, event)
    await notify(h.deps, event)

    async def mail_to_her():
        return [m for m in h.mails() if m["To"] == address]

    mails = await wait_for(mail_to_her)
    assert len(mails) == 1
    assert mails[0]["Subject"] == "新的匹配推荐：科技成果"
    assert "http://portal.test/techtransfer/offers/offer-1" in mails[0].get_content()


async def test_daily_digest_gathers_the_days_mails_into_one(h: Harness) -> None:
    org = new_org()
    user = await h.learn(org, "Lucy", language="en")
    address = "lucy@example.cn"
    choice = CategoryChoice(channel="email", cadence="daily_digest")
    await h.deps.repos.preferences.put(
        user, Preferences(email=address, categories={Category.match: choice})
    )
    await notify(h.deps, match_event(org))
    await notify(h.deps, match_event(org))
    assert not [m for m in h.mails() if m["To"] == address]  # held until the digest hour
    h.clock.offset = dt.timedelta(days=1, hours=1)  # past the next digest time
    h.bell.set()
    try:

        async def digest():
            return [m for m in h.mails() if m["To"] == address]

        mails = await wait_for(digest)
    finally:
        h.clock.offset = dt.timedelta()
    assert [m["Subject"] for m in mails] == ["Duijie daily digest (2)"]
    assert mails[0].get_content().count("New match") == 2


async def _webhook_setup(h: Harness, path: str) -> tuple[str, str, str]:
    org = new_org()
    admin = await h.learn(org, "管理员", role="admin")
    registered = await webhooks.register(h.deps, org, admin, h.receiver.url(path), "ERP")
    h.receiver.secrets[path] = registered.secret
    await h.deps.repos.preferences.put(
        admin, Preferences(categories={Category.match: CategoryChoice(channel="webhook")})
    )
    return org, admin, registered.endpoint.id


async def test_webhook_preference_posts_a_signed_body(h: Harness) -> None:
    org, _, _ = await _webhook_setup(h, "signed")
    event = match_event(org)
    await notify(h.deps, event)
    await notify(h.deps, event)
    got = await wait_for(lambda: _async(h.receiver.accepted("signed")))
    assert len(got) == 1 and got[0]["signature_ok"]
    body = got[0]["json"]
    assert body["event_id"] == event.id and body["organisation_id"] == org
    assert body["category"] == "match"
    assert body["link"] == "http://portal.test/techtransfer/offers/offer-1"
    assert body["texts"]["zh"]["title"] == "新的匹配推荐：科技成果"
    assert got[0]["headers"]["x-duijie-event"] == "matching.match.suggested"


async def test_receiver_failing_three_times_then_succeeding_gets_it_once(h: Harness) -> None:
    org, _, _ = await _webhook_setup(h, "flaky")
    h.receiver.fail_next["flaky"] = 3
    await notify(h.deps, match_event(org))
    await wait_for(lambda: _async(h.receiver.accepted("flaky")))
    tries = [r for r in h.receiver.requests if r["path"] == "flaky"]
    assert [r["status"] for r in tries] == [500, 500, 500, 204]
    assert len({r["headers"]["x-duijie-delivery"] for r in tries}) == 1
    [job] = await wait_for(lambda: webhooks.deliveries(h.deps, org, JobStatus.sent, 10))
    assert job.attempts == 4


async def test_gives_up_after_max_attempts_and_the_admin_can_retry(h: Harness) -> None:
    org, _, _ = await _webhook_setup(h, "down")
    h.receiver.fail_next["down"] = 4  # max_attempts in the harness
    await notify(h.deps, match_event(org))

    async def failed():
        return await webhooks.deliveries(h.deps, org, JobStatus.failed, 10)

    [job] = await wait_for(failed)
    assert job.attempts == 4 and job.last_error == "http 500"
    assert not h.receiver.accepted("down")
    retried = await webhooks.retry(h.deps, org, job.id)
    assert retried.status in (JobStatus.pending, JobStatus.sending, JobStatus.sent)
    await wait_for(lambda: _async(h.receiver.accepted("down")))
    [done] = await wait_for(lambda: webhooks.deliveries(h.deps, org, JobStatus.sent, 10))
    assert done.attempts == 1 and len(h.receiver.accepted("down")) == 1


async def _async(value):
    return value


@pytest.fixture
def h(harness: Harness) -> Harness:
    return harness


async def test_a_user_learned_after_the_event_still_hears_it_once(h: Harness) -> None:
    from services.notifications.domain.records import Recipient
    from services.notifications.usecases.recipients import learn_user

    org = new_org()
    early = await h.learn(org, "先到")
    event = match_event(org)
    await notify(h.deps, event)  # identity.user for the second user not consumed yet
    late = Recipient(user_id=f"u-late-{org}", organisation_id=org, name="后到", version=1)
    assert await learn_user(h.deps, late)
    assert not await learn_user(h.deps, late)  # redelivered identity event: nothing new
    await notify(h.deps, event)  # and the notice redelivered too
    for user in (early, late.user_id):
        page = await inbox.page(h.deps, user, unread_only=False, limit=10, cursor=None)
        assert [m.event_id for m in page.items] == [event.id]
