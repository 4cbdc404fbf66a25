from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "loopin.rooms"
    label = "rooms"
    verbose_name = "Audio rooms"

    def ready(self) -> None:
        from loopin.rooms import receivers

        receivers.connect()
