from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "loopin.invoices"
    label = "invoices"
    verbose_name = "GST invoices"

    def ready(self) -> None:
        from loopin.core import hooks
        from loopin.invoices import account_hooks
        from loopin.invoices.receivers import on_payment_succeeded, on_refund_processed
        from loopin.payments.signals import payment_succeeded, refund_processed

        hooks.register_erasure_step("invoices.tax_profile", account_hooks.erase_tax_profile)
        hooks.register_export_section("invoices", account_hooks.export_invoices)

        payment_succeeded.connect(on_payment_succeeded, dispatch_uid="invoices.payment_succeeded")
        refund_processed.connect(on_refund_processed, dispatch_uid="invoices.refund_processed")
