"""Finance admin: the fee, orders (full or partial refunds), provider events, refunds, bank accounts, payouts,
settlement accounts, event splits, settlements and their reversals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from loopin.core.admin import AuditedAdmin, KeptRecordAdmin, ReadOnlyAdmin
from loopin.core.errors import LoopinError
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.models import (
    BankAccount,
    EventSettlement,
    FeeConfig,
    Order,
    PaymentEvent,
    PayoutRequest,
    PayoutStatus,
    PromoCode,
    Refund,
    ReversalStatus,
    Settlement,
    SettlementAccount,
    SettlementReversal,
    SettlementSplit,
)
from loopin.payments.payouts import account_number_decrypt, payout_decide
from loopin.payments.services import refund_create
from loopin.payments.settlement.accounts import (
    settlement_account_disable,
    settlement_account_register,
    settlement_account_verify,
)
from loopin.payments.settlement.reversals import reversal_submit
from loopin.payments.settlement.transfers import settlement_to_payout, settlement_transfer


@admin.register(FeeConfig)
class FeeConfigAdmin(admin.ModelAdmin):
    list_display = ("__str__", "fee_percent", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FeeConfig.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("amount", "host_amount", "reason", "status", "provider_refund_id", "created_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderRefundForm(forms.ModelForm):
    refund_amount = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), decimal_places=2, help_text="Refund this much now (blank: none)."
    )
    refund_reason = forms.CharField(required=False, max_length=64, initial="staff_refund")

    class Meta:
        model = Order
        fields: list[str] = []


_ORDER_FIELDS = (
    "id",
    "event",
    "user",
    "seats",
    "status",
    "provider",
    "currency",
    "tier",
    "list_price",
    "promo_code",
    "discount_amount",
    "base_price",
    "fee_percent",
    "unit_total",
    "fee_amount",
    "host_earning",
    "total",
    "amount_refunded",
    "seats_held",
    "hold_expires_at",
    "provider_order_id",
    "provider_payment_id",
    "failure_reason",
    "review_reason",
    "ticket",
    "created_at",
    "paid_at",
    "expired_at",
)


class NeedsReviewFilter(admin.SimpleListFilter):
    """Orders a payment reached that did not match them (provider, amount or currency): staff decide."""

    title = "needs review"
    parameter_name = "needs_review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "yes":
            return queryset.exclude(review_reason="")
        if self.value() == "no":
            return queryset.filter(review_reason="")
        return queryset


@admin.register(Order)
class OrderAdmin(KeptRecordAdmin):
    form = OrderRefundForm
    list_display = (
        "id",
        "event",
        "user",
        "status",
        "seats",
        "total",
        "amount_refunded",
        "provider",
        "review_reason",
        "created_at",
    )
    list_filter = (NeedsReviewFilter, "status", "provider", "currency")
    search_fields = ("id", "provider_order_id", "provider_payment_id", "event__title", "user__phone_number")
    list_select_related = ("event", "user")
    date_hierarchy = "created_at"
    readonly_fields = _ORDER_FIELDS
    fields = (*_ORDER_FIELDS, "refund_amount", "refund_reason")
    inlines = [RefundInline]
    actions = ["refund_in_full"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("payments.refund_order")

    def save_model(self, request: HttpRequest, obj: Order, form: forms.ModelForm, change: bool) -> None:
        amount = form.cleaned_data.get("refund_amount")
        if not amount:
            return
        try:
            refund = refund_create(
                order_id=obj.id,
                amount=amount,
                reason=form.cleaned_data.get("refund_reason") or "staff_refund",
                actor=request.user,
            )
            self.message_user(request, f"Refund of {refund.amount} {obj.currency} started.", messages.SUCCESS)
        except LoopinError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="Refund in full (ticket voided)", permissions=["change"])
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done = 0
        for order in queryset:
            try:
                refund_create(order_id=order.id, reason="staff_refund", actor=request.user)
                done += 1
            except LoopinError as exc:
                self.message_user(request, f"{order}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} refund(s) started.", messages.SUCCESS)


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ("provider", "kind", "provider_type", "event_id", "order", "received_at", "processed_at", "result")
    list_filter = ("provider", "kind")
    search_fields = ("event_id", "order__id")
    readonly_fields = [f.name for f in PaymentEvent._meta.fields]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "amount", "host_amount", "reason", "status", "created_by", "created_at")
    list_filter = ("status", "reason")
    search_fields = ("id", "order__id", "provider_refund_id", "idempotency_key")
    readonly_fields = [f.name for f in Refund._meta.fields]


@admin.register(BankAccount)
class BankAccountAdmin(AuditedAdmin, ReadOnlyAdmin):
    list_display = ("user", "organisation", "holder_name", "bank_name", "ifsc", "masked", "is_primary", "removed_at")
    search_fields = ("user__phone_number", "organisation__handle", "holder_name", "ifsc", "last4")
    list_select_related = ("user", "organisation")
    exclude = ("account_number_encrypted",)
    readonly_fields = (
        "id",
        "user",
        "organisation",
        "holder_name",
        "bank_name",
        "ifsc",
        "last4",
        "is_primary",
        "created_at",
        "removed_at",
    )


class PayoutDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        required=False,
        choices=[
            ("", "-"),
            (PayoutStatus.APPROVED, "Approve"),
            (PayoutStatus.PROCESSING, "Mark processing"),
            (PayoutStatus.COMPLETED, "Complete (give the transaction reference)"),
            (PayoutStatus.REJECTED, "Reject (give a reason)"),
        ],
    )

    class Meta:
        model = PayoutRequest
        fields = ["transaction_ref", "rejection_reason"]


_PAYOUT_FIELDS = (
    "id",
    "source",
    "event",
    "organisation",
    "host",
    "status",
    "currency",
    "amount",
    "gross_earnings",
    "refunds_total",
    "previously_paid",
    "tickets_sold",
    "attendees",
    "account_masked",
    "bank_details",
    "decided_by",
    "created_at",
    "completed_at",
)


@admin.register(PayoutRequest)
class PayoutRequestAdmin(KeptRecordAdmin):
    form = PayoutDecisionForm
    list_display = (
        "id", "source", "event", "organisation", "host", "amount", "currency", "status", "created_at", "completed_at"
    )  # fmt: skip
    list_filter = ("status", "source")
    search_fields = ("id", "event__title", "organisation__handle", "host__phone_number", "transaction_ref")
    list_select_related = ("event", "organisation", "host")
    readonly_fields = _PAYOUT_FIELDS
    fields = (*_PAYOUT_FIELDS, "decision", "transaction_ref", "rejection_reason")
    actions = ["approve", "mark_processing"]

    @admin.display(description="Bank account (decrypted)")
    def bank_details(self, obj: PayoutRequest) -> str:
        account = obj.bank_account
        if not account.account_number_encrypted:
            return f"{account.holder_name} (removed)"
        number = account_number_decrypt(account.account_number_encrypted)
        return f"{account.holder_name} · {account.bank_name} · {account.ifsc} · {number}"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("payments.decide_payout")

    def save_model(self, request: HttpRequest, obj: PayoutRequest, form: forms.ModelForm, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        try:
            payout_decide(
                staff=request.user,
                payout_id=obj.id,
                target=decision,
                transaction_ref=form.cleaned_data.get("transaction_ref") or "",
                reason=form.cleaned_data.get("rejection_reason") or "",
            )
        except LoopinError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def _decide_all(self, request: HttpRequest, queryset: QuerySet[PayoutRequest], target: str) -> None:
        for payout in queryset:
            try:
                payout_decide(staff=request.user, payout_id=payout.id, target=target)
            except LoopinError as exc:
                self.message_user(request, f"{payout}: {exc.message}", messages.WARNING)

    @admin.action(description="Approve", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[PayoutRequest]) -> None:
        self._decide_all(request, queryset, PayoutStatus.APPROVED)

    @admin.action(description="Mark processing", permissions=["change"])
    def mark_processing(self, request: HttpRequest, queryset: QuerySet[PayoutRequest]) -> None:
        self._decide_all(request, queryset, PayoutStatus.PROCESSING)


@admin.register(PromoCode)
class PromoCodeAdmin(AuditedAdmin):
    """Promo codes of paid events; `uses` moves only with orders (taken when one opens, given back unpaid)."""

    list_display = ("code", "event", "kind", "amount", "uses", "max_uses", "max_uses_per_person", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "event__title")
    list_select_related = ("event",)
    autocomplete_fields = ("event",)
    filter_horizontal = ("tiers",)
    readonly_fields = ("id", "uses", "created_by", "created_at")
    fields = (
        "id",
        "event",
        "code",
        "kind",
        "amount",
        "tiers",
        "max_uses",
        "max_uses_per_person",
        "uses",
        "valid_from",
        "valid_until",
        "is_active",
        "created_by",
        "updated_by",
        "created_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[PromoCode]:
        return super().get_queryset(request).select_related("event")


# ---------------------------------------------------------------- automatic settlement


class SettlementAccountForm(forms.ModelForm):
    class Meta:
        model = SettlementAccount
        fields = ["user", "provider", "account_id"]


@admin.register(SettlementAccount)
class SettlementAccountAdmin(KeptRecordAdmin):
    """Hosts' Route / Connect accounts. Staff register one for a host (verified with the provider on save),
    verify again, or disable."""

    form = SettlementAccountForm
    list_display = ("user", "provider", "account_id", "status", "provider_status", "verified_at", "created_at")
    list_filter = ("provider", "status")
    search_fields = ("account_id", "user__phone_number")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    actions = ["verify", "disable"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("id", "status", "provider_status", "verified_at", "created_by", "created_at")
        return (*fixed, "user", "provider", "account_id") if obj else fixed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.verify_settlementaccount")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("payments.verify_settlementaccount")

    def save_model(self, request: HttpRequest, obj: SettlementAccount, form: forms.ModelForm, change: bool) -> None:
        if change:
            return
        try:
            account = settlement_account_register(
                user=obj.user, provider=obj.provider, account_id=obj.account_id, actor=request.user
            )
            obj.pk, obj.status = account.pk, account.status
            self.message_user(request, f"Registered: {account.status} ({account.provider_status}).", messages.SUCCESS)
        except LoopinError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def response_add(self, request: HttpRequest, obj: SettlementAccount, post_url_continue: str | None = None) -> Any:
        return self.response_post_save_add(request, obj)

    @admin.action(description="Verify with the provider", permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[SettlementAccount]) -> None:
        for account in queryset:
            try:
                account = settlement_account_verify(account_id=account.id, actor=request.user)
                self.message_user(request, f"{account}: {account.provider_status}", messages.SUCCESS)
            except LoopinError as exc:
                self.message_user(request, f"{account}: {exc.message}", messages.WARNING)

    @admin.action(description="Disable (later orders settle by payout)", permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet[SettlementAccount]) -> None:
        for account in queryset:
            settlement_account_disable(account_id=account.id, actor=request.user)


class SettlementSplitInline(admin.TabularInline):
    model = SettlementSplit
    extra = 0
    can_delete = False
    fields = ("recipient", "share_bps")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EventSettlement)
class EventSettlementAdmin(ReadOnlyAdmin):
    """Each event's settlement mode and split (the owner sets them; paid orders keep their snapshot)."""

    list_display = ("event", "mode", "updated_by", "updated_at")
    list_filter = ("mode",)
    search_fields = ("event__title",)
    list_select_related = ("event", "updated_by")
    readonly_fields = ("event", "mode", "updated_by", "updated_at")
    inlines = [SettlementSplitInline]


class SettlementReversalInline(admin.TabularInline):
    model = SettlementReversal
    extra = 0
    can_delete = False
    fields = ("refund", "amount", "status", "provider_reversal_id", "attempts", "error", "created_at", "reversed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    """Each paid order's shares: transferred by the provider or counted in a payout balance. Failed transfers
    are retried by the sweep; finance staff retry now, or move a share to the recipient's payout balance."""

    list_display = (
        "order",
        "recipient",
        "method",
        "funding",
        "amount",
        "amount_reversed",
        "status",
        "attempts",
        "created_at",
    )
    list_filter = ("status", "method", "funding", "provider")
    search_fields = ("order__id", "provider_transfer_id", "recipient__phone_number")
    list_select_related = ("order", "recipient")
    readonly_fields = [f.name for f in Settlement._meta.fields]
    inlines = [SettlementReversalInline]
    actions = ["retry", "to_payout"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.retry_settlement")

    @admin.action(description="Retry the transfer and its reversals now", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Settlement]) -> None:
        for s in queryset:
            status = settlement_transfer(settlement_id=s.id)
            for reversal in s.reversals.filter(status__in=[ReversalStatus.PENDING, ReversalStatus.FAILED]):
                reversal_submit(reversal_id=reversal.id)
            self.message_user(request, f"{s}: {status}", messages.INFO)

    @admin.action(description="Give up the transfer: pay this share by payout", permissions=["retry"])
    def to_payout(self, request: HttpRequest, queryset: QuerySet[Settlement]) -> None:
        for s in queryset:
            settlement_to_payout(settlement_id=s.id, actor=request.user)


@admin.register(SettlementReversal)
class SettlementReversalAdmin(ReadOnlyAdmin):
    list_display = ("settlement", "refund", "amount", "status", "attempts", "created_at", "reversed_at")
    list_filter = ("status",)
    search_fields = ("provider_reversal_id", "settlement__order__id")
    readonly_fields = [f.name for f in SettlementReversal._meta.fields]


# ---------------------------------------------------------------- charges (purposes other than ticket orders)


class ChargeRefundInline(admin.TabularInline):
    model = ChargeRefund
    fields = ("amount", "reason", "status", "provider_refund_id", "created_at", "processed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "purpose", "reference", "user", "amount", "status", "provider", "fulfilment")
    list_filter = ("purpose", "status", "provider")
    search_fields = ("id", "reference", "provider_order_id", "provider_payment_id")
    readonly_fields = [f.name for f in Charge._meta.fields]
    inlines = [ChargeRefundInline]
