"""LoopPay in the admin: accounts, entries and lines read-only; manual adjustments added (never changed) with a
reason, each posted as one entry and audited; reconciliation runs to look at. Every page follows permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from loopin.core.admin import KeptRecordAdmin, ReadOnlyAdmin
from loopin.core.errors import LoopinError
from loopin.looppay.adjustments import PERMISSIONS, adjustment_post
from loopin.looppay.models import Account, Adjustment, CreditKind, JournalEntry, Line, ReconciliationRun
from loopin.looppay.reconciliation import ACKNOWLEDGE_PERMISSION, reconciliation_acknowledge

if TYPE_CHECKING:
    from loopin.accounts.models import User


class LineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Line
    fields = ("account", "amount")
    readonly_fields = ("account", "amount")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "owner", "balance", "currency", "version", "expires_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("key", "owner__id", "owner__name")
    readonly_fields = [f.name for f in Account._meta.fields]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reason", "purpose", "reference", "idempotency_key", "created_by")
    list_filter = ("reason", "purpose")
    search_fields = ("idempotency_key", "reference", "id")
    readonly_fields = [f.name for f in JournalEntry._meta.fields]
    inlines = [LineInline]


class AdjustmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Adjustment
        fields = ["user", "credit", "amount", "expires_at", "reason"]

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        credit, amount = data.get("credit"), data.get("amount")
        if credit and self.staff is not None and not self.staff.has_perm(PERMISSIONS[CreditKind(credit)]):
            raise forms.ValidationError("You may not adjust credit of this kind.")
        if amount is not None and amount == 0:
            self.add_error("amount", "An adjustment is not zero.")
        if credit == CreditKind.PROMOTIONAL and (amount is not None and amount < 0 or not data.get("expires_at")):
            raise forms.ValidationError("Promotional credit is granted (positive) with an expiry.")
        return data


@admin.register(Adjustment)
class AdjustmentAdmin(KeptRecordAdmin):
    list_display = ("created_at", "user", "credit", "amount", "expires_at", "reason", "created_by", "entry")
    list_filter = ("credit",)
    search_fields = ("user__id", "user__name", "reason")
    form = AdjustmentForm

    def has_add_permission(self, request: HttpRequest) -> bool:
        return any(request.user.has_perm(p) for p in PERMISSIONS.values())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        staff = request.user

        class BoundForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, staff=staff, **kw)

        return BoundForm

    def save_model(self, request: HttpRequest, obj: Adjustment, form: Any, change: bool) -> None:
        """Post through the service (never a bare save): one entry, audited."""
        try:
            saved = adjustment_post(
                staff=request.user,
                user=obj.user,
                amount=obj.amount,
                reason=obj.reason,
                credit=obj.credit,
                expires_at=obj.expires_at,
            )
        except LoopinError as exc:
            messages.error(request, f"Not posted: {exc.message} ({exc.code})")
            return
        obj.pk = saved.pk
        obj.entry = saved.entry
        obj._state.adding = False


class AcknowledgeForm(forms.ModelForm):  # type: ignore[type-arg]
    acknowledgement = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was found and what was done. Saving closes this run's staff alert.",
    )

    class Meta:
        model = ReconciliationRun
        fields = ("acknowledgement",)


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(KeptRecordAdmin):
    """Runs to look at; a failed, unacknowledged run can be acknowledged (by permission) with a note."""

    list_display = ("ran_at", "ok", "accounts_checked", "entries_checked", "acknowledged_at")
    list_filter = ("ok", ("acknowledged_at", admin.EmptyFieldListFilter))
    form = AcknowledgeForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [f.name for f in ReconciliationRun._meta.fields]
        if self._may_acknowledge(request, obj):
            fields.remove("acknowledgement")
        return fields

    @staticmethod
    def _may_acknowledge(request: HttpRequest, obj: ReconciliationRun | None) -> bool:
        return (
            obj is not None
            and not obj.ok
            and obj.acknowledged_at is None
            and request.user.has_perm(ACKNOWLEDGE_PERMISSION)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_acknowledge(request, obj)

    def save_model(self, request: HttpRequest, obj: ReconciliationRun, form: Any, change: bool) -> None:
        """Through the service (never a bare save): once, audited."""
        try:
            staff = cast("User", request.user)  # the admin site lets signed-in staff only this far
            reconciliation_acknowledge(staff=staff, run_id=obj.pk, note=form.cleaned_data["acknowledgement"])
        except LoopinError as exc:
            messages.error(request, f"Not acknowledged: {exc.message} ({exc.code})")
