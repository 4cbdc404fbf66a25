from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "loopin.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.posts import account_hooks, moderation, timelines

        hooks.register_erasure_step("posts.content", account_hooks.erase_posts, order=800)
        hooks.register_export_section("posts", account_hooks.export_posts)
        timelines.connect_signals()
        moderation.register()
