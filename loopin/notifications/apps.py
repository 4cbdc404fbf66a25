from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "loopin.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.notifications import (  # noqa: F401  (connect receivers)
            account_hooks,
            organisation_triggers,
            people_triggers,
            receivers,
            triggers,
        )
        from loopin.notifications.dashboards import register_notification_panels

        hooks.register_erasure_step("notifications.personal", account_hooks.erase_notifications)
        hooks.register_export_section("notifications", account_hooks.export_notifications)
        hooks.register_waitlist_promoted("notifications.welcome", account_hooks.welcome_promoted)
        register_notification_panels()
        receivers.connect()
