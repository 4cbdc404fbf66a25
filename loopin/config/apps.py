from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root as a Django app: its one job at start-up is binding shared tasks to our Celery app."""

    name = "loopin.config"
    label = "config"

    def ready(self) -> None:
        from loopin.config.celery import app  # noqa: F401 - binds shared tasks to our Celery app
