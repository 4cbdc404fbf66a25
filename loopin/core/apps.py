from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "loopin.core"
    label = "core"

    def ready(self) -> None:
        from loopin.core import account_hooks, hooks

        hooks.register_erasure_step("core.audit_fields", account_hooks.erase_audit_fields)
