from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "loopin.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.people import account_hooks

        hooks.register_erasure_step("people.graph", account_hooks.erase_people_data)
        hooks.register_export_section("people", account_hooks.export_people_data)
