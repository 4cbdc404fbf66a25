"""The feed's live fields run as SQL compiled once (`selectors.feed.LIVE`/`LIVE_MINE`, issue 22): on the same data
they give exactly what the same query built by the ORM gives, for every tier state and every relation of the caller."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.events.models import Invitation, InvitationStatus, JoinMode, JoinRequest, TicketTier, TierVisibility
from loopin.events.selectors.feed import LIVE, LIVE_MINE
from loopin.events.tiers import card_availability
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

pytestmark = pytest.mark.django_db


def _by_id(rows):
    return sorted(rows, key=lambda r: str(r["id"]))


@pytest.fixture
def world(api):
    now = timezone.now()
    me = UserWithProfileFactory()
    events = {
        "open": PublishedEventFactory(title="open", capacity=10, seats_taken=3),
        "full": PublishedEventFactory(title="full", capacity=5, seats_taken=5),
        "unlimited": PublishedEventFactory(title="unlimited", capacity=0),
        "later": PublishedEventFactory(title="later"),
        "ended": PublishedEventFactory(title="ended"),
        "tier full": PublishedEventFactory(title="tier full", capacity=50, seats_taken=2),
        "hidden": PublishedEventFactory(title="hidden"),
        "requested": PublishedEventFactory(title="requested", join_mode=JoinMode.APPROVAL),
        "invited": PublishedEventFactory(title="invited", join_mode=JoinMode.INVITE_ONLY),
    }
    TicketTier.objects.filter(event=events["later"]).update(sales_start_at=now + timedelta(days=1))
    TicketTier.objects.filter(event=events["ended"]).update(sales_end_at=now - timedelta(hours=1))
    TicketTier.objects.filter(event=events["tier full"]).update(capacity=2, seats_taken=2)
    TicketTier.objects.filter(event=events["hidden"]).update(visibility=TierVisibility.HIDDEN, unlock_code="VIP")
    r = api.post(f"/api/v2/events/{events['open'].id}/confirm-attendance", json={}, headers=token_for(me))
    assert r.status_code == 201, r.text
    JoinRequest.objects.create(event=events["requested"], user=me)
    Invitation.objects.create(event=events["invited"], invitee=me, invited_by=events["invited"].host)
    Invitation.objects.create(
        event=events["ended"], invitee=me, invited_by=events["ended"].host, status=InvitationStatus.NOT_GOING
    )
    return me, events, now


def test_compiled_and_orm_give_the_same_rows_for_every_tier_state_and_relation(world):
    me, events, now = world
    ids = [e.id for e in events.values()]
    mine = LIVE_MINE.rows(ids=ids, now=now, user_id=me.id)
    assert _by_id(mine) == _by_id(LIVE_MINE.rows_orm(ids=ids, now=now, user_id=me.id))
    anonymous = LIVE.rows(ids=ids, now=now)
    assert _by_id(anonymous) == _by_id(LIVE.rows_orm(ids=ids, now=now))
    by_title = {e.id: t for t, e in events.items()}
    assert {by_title[r["id"]]: card_availability(r) for r in anonymous} == {
        "open": "on_sale",
        "full": "sold_out",
        "unlimited": "on_sale",
        "later": "not_yet_on_sale",
        "ended": "sales_ended",
        "tier full": "tiers_sold_out",
        "hidden": "hidden",
        "requested": "on_sale",
        "invited": "on_sale",
    }
    relations = {by_title[r["id"]]: (r["my_ticket"], r["my_request"], r["my_invitation"]) for r in mine}
    assert relations["open"] == (True, None, None)
    assert relations["requested"] == (False, "pending", None)
    assert relations["invited"] == (False, None, "pending")
    assert relations["ended"] == (False, None, None)  # an invitation turned down is no relation
    assert {r["id"]: r["seats_taken"] for r in anonymous}[events["open"].id] == 4  # 3 + the caller's seat


def test_the_time_is_a_slot_not_frozen_at_the_first_call(world):
    me, events, now = world
    later = events["later"].id
    assert card_availability(LIVE.rows(ids=[later], now=now)[0]) == "not_yet_on_sale"
    # The same compiled statement (one id) two days on: the tier's sales have started.
    assert card_availability(LIVE.rows(ids=[later], now=now + timedelta(days=2))[0]) == "on_sale"


def test_one_statement_with_the_callers_values(world):
    me, events, now = world
    other = UserWithProfileFactory()
    ids = [events["open"].id, events["requested"].id]
    LIVE_MINE.rows(ids=ids, now=now, user_id=me.id)  # compiled for two ids
    with CaptureQueriesContext(connection) as ctx:
        rows = LIVE_MINE.rows(ids=ids, now=now, user_id=other.id)
    assert len(ctx.captured_queries) == 1
    assert sorted((r["my_ticket"], r["my_request"]) for r in rows) == [(False, None), (False, None)]
