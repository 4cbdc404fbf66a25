from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "loopin.realtime"
    label = "realtime"
    verbose_name = "Realtime"

    def ready(self) -> None:
        from loopin.realtime.services import register_realtime_hooks

        register_realtime_hooks()
