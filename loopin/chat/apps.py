from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "loopin.chat"
    label = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        from loopin.chat import receivers

        receivers.connect()
