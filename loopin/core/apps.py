from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loopin.core"
    label = "core"

    def ready(self) -> None:
        from loopin.config.celery import app  # noqa: F401 - binds shared tasks to our Celery app
