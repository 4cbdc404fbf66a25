from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "loopin.calls"
    label = "calls"
    verbose_name = "Calls"

    def ready(self) -> None:
        from loopin.calls import receivers

        receivers.connect()
