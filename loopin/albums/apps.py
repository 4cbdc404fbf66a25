from django.apps import AppConfig


class AlbumsConfig(AppConfig):
    name = "loopin.albums"
    label = "albums"
    verbose_name = "Event albums"

    def ready(self) -> None:
        from loopin.albums import moderation, services
        from loopin.core import hooks

        hooks.register_erasure_step("albums.photos", services.album_erase_for, order=800)
        hooks.register_export_section("albums", services.album_export_for)
        moderation.register()
