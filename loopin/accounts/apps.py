from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loopin.accounts"
    label = "accounts"
    verbose_name = "Accounts"
