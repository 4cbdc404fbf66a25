from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "loopin.media"
    label = "media"
    verbose_name = "Media"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.media import account_hooks

        hooks.register_erasure_step("media.files", account_hooks.erase_media, order=900)
        hooks.register_export_section("media", account_hooks.export_media)
