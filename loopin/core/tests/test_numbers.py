"""Integer numbers (the app's ids): positive, unique per type, never reused, taken on every insert path."""

from __future__ import annotations

import pytest

from loopin.accounts.models import User
from loopin.events.models import Invitation
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory


@pytest.mark.django_db
def test_each_saved_row_gets_the_next_positive_number():
    first, second = UserWithProfileFactory(), UserWithProfileFactory()
    assert first.number > 0
    assert second.number > first.number
    assert User.objects.get(id=second.id).number == second.number


@pytest.mark.django_db
def test_an_unsaved_instance_takes_no_number():
    assert User(phone_number="+919800000001").number is None


@pytest.mark.django_db
def test_bulk_create_numbers_every_row():
    event = PublishedEventFactory()
    people = [UserWithProfileFactory() for _ in range(3)]
    rows = Invitation.objects.bulk_create([Invitation(event=event, invitee=p, invited_by=event.host) for p in people])
    numbers = [r.number for r in rows]
    assert all(isinstance(n, int) and n > 0 for n in numbers)
    assert len(set(numbers)) == 3
    assert sorted(Invitation.objects.values_list("number", flat=True)) == sorted(numbers)


@pytest.mark.django_db
def test_a_deleted_rows_number_is_never_given_again():
    user = UserWithProfileFactory()
    gone = user.number
    User.objects.filter(id=user.id).delete()
    assert UserWithProfileFactory().number > gone


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_get_distinct_numbers():
    """Twelve threads insert users at the same instant: twelve distinct numbers, none missing on any row."""
    calls = [lambda i=i: User.objects.create_user(phone_number=f"+91981111{i:04d}").number for i in range(12)]
    results = run_at_once(calls)
    assert all(isinstance(r, int) and r > 0 for r in results), results
    assert len(set(results)) == 12
    assert sorted(User.objects.values_list("number", flat=True)) == sorted(results)
