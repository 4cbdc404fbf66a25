from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loopin.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from loopin.accounts.caller import caller_cached, caller_user, connect_session_cache_receivers
        from loopin.accounts.dashboards import register_account_panels
        from loopin.accounts.erasure import register_account_hooks
        from loopin.accounts.tokens import access_token_decode
        from loopin.core.hooks import register_authenticator

        register_authenticator(decode=access_token_decode, load=caller_user, cached=caller_cached)
        connect_session_cache_receivers()
        register_account_hooks()
        register_account_panels()
