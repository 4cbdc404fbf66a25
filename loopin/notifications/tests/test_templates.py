"""Templates: {{placeholders}}, versions, and a template in use is never edited in place."""

from __future__ import annotations

import pytest

from loopin.notifications.defaults import DEFAULT_TEMPLATES
from loopin.notifications.models import Notification, NotificationTemplate
from loopin.notifications.services import notify
from loopin.notifications.templates import render_text, template_current, template_save_version
from loopin.notifications.triggers import TRIGGERS
from loopin.testing.factories import UserWithProfileFactory


def test_placeholders_are_filled_and_unknown_ones_left_empty():
    text = "Hi {{ name }}, {{event_title}} starts {{event_start}}{{nope}}."
    assert render_text(text, {"name": "Meera", "event_title": "Jazz", "event_start": "Sat 5 Dec"}) == (
        "Hi Meera, Jazz starts Sat 5 Dec."
    )


def test_every_notification_kind_has_a_default_template(db):

    defaults = {key for key, *_ in DEFAULT_TEMPLATES}
    made_by_triggers = {
        "join_request.received", "join_request.accepted", "join_request.declined", "invitation.received",
        "ticket.confirmed", "event.updated", "event.postponed", "event.cancelled", "event.republished",
        "checkin.opened", "payment.succeeded", "payment.failed", "refund.processed", "payout.status_changed",
        "reminder.24h", "reminder.2h", "account.welcome",
        "friend_request.received", "friend_request.accepted", "follower.new", "follow.requested", "account.warning",
        "content.taken_down", "posting.suspended", "waitlist.offered", "co_host.invited", "guest_message.sent",
        "organisation.invited",
    }  # fmt: skip
    assert made_by_triggers <= defaults
    # join_request.decided, event.status_changed and follow.created make several kinds each
    assert len(TRIGGERS) == 21
    for key in defaults:
        assert template_current(key).version >= 1


def test_editing_an_unused_template_changes_it_in_place(db):
    template = template_current("reminder.2h")
    template.title = "Soon: {{event_title}}"
    saved = template_save_version(template=template)
    assert (saved.pk, saved.version) == (template.pk, 1)
    assert NotificationTemplate.objects.filter(key="reminder.2h").count() == 1


def test_editing_a_template_in_use_makes_a_new_version_and_keeps_the_old(db):
    person = UserWithProfileFactory()
    old = template_current("reminder.2h")
    sent = notify(user_id=person.id, key="reminder.2h", context={"event_title": "Jazz"})
    old.title = "Soon: {{event_title}}"
    new = template_save_version(template=old)
    assert (new.version, new.title) == (2, "Soon: {{event_title}}")
    assert NotificationTemplate.objects.get(key="reminder.2h", version=1).title == "Starting soon: {{event_title}}"
    assert Notification.objects.get(id=sent.id).template.version == 1
    again = notify(user_id=person.id, key="reminder.2h", context={"event_title": "Jazz"})
    assert (again.title, again.template_id) == ("Soon: Jazz", new.id)


def test_a_key_with_every_version_switched_off_sends_nothing(db):
    person = UserWithProfileFactory()
    NotificationTemplate.objects.filter(key="reminder.2h").update(is_active=False)
    assert notify(user_id=person.id, key="reminder.2h", context={}) is None
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_key_gets_its_default_back():
    NotificationTemplate.objects.filter(key="checkin.opened").delete()
    template = template_current("checkin.opened")
    assert (template.version, template.title) == (1, "Check-in is open: {{event_title}}")
