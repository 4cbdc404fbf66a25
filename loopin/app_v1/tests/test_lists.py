"""The app's lists cost a fixed number of queries, whatever their length."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loopin.app_v1 import event_reads, reads
from loopin.organisations.tests.conftest import make_org, org_event
from loopin.participation.tickets import ticket_issue
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import TicketSource


def _guest_list_queries(guests: int) -> tuple[int, int]:
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host, capacity=20)
    for _ in range(guests):
        ticket_issue(event=event, user=UserWithProfileFactory(), seats=1, source=TicketSource.OPEN)
    reads.attendees(user=host, event_id=event.number, offset=0, limit=100)  # the first read makes the signing key
    with CaptureQueriesContext(connection) as ctx:
        listed = reads.attendees(user=host, event_id=event.number, offset=0, limit=100)
    assert all(row["ticket_secret"] for row in listed["attendees"])
    return len(listed["attendees"]), len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_guest_list_costs_the_same_queries_for_one_guest_or_five():
    one, one_queries = _guest_list_queries(1)
    five, five_queries = _guest_list_queries(5)
    assert (one, five) == (1, 5)
    assert five_queries == one_queries


def _home_queries(org_events: int) -> tuple[int, int]:
    org = make_org(handle=f"brew{org_events}")
    for _ in range(org_events):
        org_event(org, org.manager, visibility="private")
    PublishedEventFactory(host=org.agent, visibility="private")  # a personal event of theirs on the same page
    with CaptureQueriesContext(connection) as ctx:
        listed, _ = event_reads.home_events(user=org.agent, offset=0, limit=20)
    assert {e["host"]["user_id"] for e in listed} == {org.agent.number}  # acting as host on every one
    return len(listed), len(ctx.captured_queries)


def test_the_home_list_costs_the_same_queries_for_one_organisation_event_or_four(interests):
    one, one_queries = _home_queries(1)
    four, four_queries = _home_queries(4)
    assert (one, four) == (2, 5)
    assert four_queries == one_queries
