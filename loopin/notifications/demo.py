"""Demo data for `make run`: a welcome in each demo host's centre and a draft campaign to try in the admin."""

from __future__ import annotations

from loopin.notifications.account_hooks import welcome_promoted
from loopin.notifications.defaults import DEFAULT_TEMPLATES
from loopin.notifications.models import Campaign
from loopin.notifications.templates import template_current


def demo_notifications(hosts: list) -> dict[str, int]:

    for key, *_ in DEFAULT_TEMPLATES:
        template_current(key)  # restores any default a fresh database lacks
    for host in hosts:
        welcome_promoted(host)  # once per person (dedupe key)
    Campaign.objects.get_or_create(
        name="Weekend picks (demo)",
        defaults={"template": template_current("campaign.weekend"), "verified": True},
    )
    return {"campaigns": Campaign.objects.count()}
