from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loopin.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from loopin.accounts.dashboards import register_account_panels
        from loopin.accounts.erasure import register_account_hooks

        register_account_hooks()
        register_account_panels()
