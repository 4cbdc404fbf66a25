"""Issue a one-time authenticator enrolment link for a staff member (when TOTP is required, the only
way for them to set one up). Prints the link once; only its hash is stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.core.settings import get_settings
from loopin.staff.totp import EnrolmentLinkRefused, totp_link_issue


class Command(BaseCommand):
    help = "Print a single-use, short-lived TOTP enrolment link for a staff account (by phone number)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the staff member's phone number, e.g. +919812345678")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            phone = normalize_phone(options["username"])
        except InvalidPhoneNumber as exc:
            raise CommandError(str(exc)) from None
        user = get_user_model().objects.filter(phone_number=phone).first()
        if user is None:
            raise CommandError("No account uses this phone number.")
        try:
            token = totp_link_issue(user=user)
        except EnrolmentLinkRefused as exc:
            raise CommandError(str(exc)) from None
        s = get_settings()
        # The admin is served under /django by the one ASGI app (loopin.config.asgi).
        link = f"{s.PUBLIC_BASE_URL.rstrip('/')}/django{reverse('admin:staff_totp_link', args=[token])}"
        self.stdout.write(f"One-time enrolment link (valid {s.STAFF_TOTP_LINK_MINUTES} min, single use):")
        self.stdout.write(link)
