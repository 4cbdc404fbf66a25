from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "loopin.marketplace"
    label = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from loopin.marketplace import moderation

        moderation.register()
