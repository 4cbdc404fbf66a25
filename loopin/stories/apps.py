from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "loopin.stories"
    label = "stories"
    verbose_name = "Stories"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.stories import moderation, services

        hooks.register_erasure_step("stories.content", services.stories_erase_for, order=800)
        hooks.register_export_section("stories", services.stories_export_for)
        moderation.register()
