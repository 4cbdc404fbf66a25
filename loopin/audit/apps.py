from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "loopin.audit"
    label = "audit"
    verbose_name = "Audit log"
