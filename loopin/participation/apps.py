from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "loopin.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self) -> None:
        from loopin.participation import cancellation, receivers, waitlist

        cancellation.connect_signals()
        waitlist.connect_signals()
        receivers.connect_signals()
