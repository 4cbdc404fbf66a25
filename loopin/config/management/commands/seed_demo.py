"""Load the default interests and demo data so a fresh `make run` shows a real app. Safe to run twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from loopin.accounts.demo import demo_sign_in_lines
from loopin.config.demo import demo_load, demo_page_lines
from loopin.core.settings import get_settings


class Command(BaseCommand):
    help = "Load default interests and demo users, hosts, venues and events (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if get_settings().ENVIRONMENT == "production":
            self.stderr.write("Refusing to load demo data in production.")
            return
        summary = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + ", ".join(f"{k}={v}" for k, v in summary.items())))
        for line in demo_sign_in_lines():
            self.stdout.write(line)
        for line in demo_page_lines():
            self.stdout.write(line)
