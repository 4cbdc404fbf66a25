from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "loopin.marketplace"
    label = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from loopin.marketplace import moderation
        from loopin.marketplace.earnings import PAYOUT_SOURCE
        from loopin.marketplace.payment import PURPOSE
        from loopin.payments.charge_purposes import register_charge_purpose
        from loopin.payments.payout_sources import register_payout_source

        moderation.register()
        register_charge_purpose(PURPOSE)
        register_payout_source(PAYOUT_SOURCE)
