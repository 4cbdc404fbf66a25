"""The marketplace in the admin: listings (staff take them down through reports; changing them follows the
model permissions), orders and ratings are looked at, the fee is edited (its own change permission). Finance
refunds sales from the orders' list: the action asks for a reason on a confirmation page, then refunds each sale
through `marketplace_order_refund` (which checks the permission again and audits `marketplace.order_refunded`)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from loopin.core.admin import KeptRecordAdmin, ReadOnlyAdmin
from loopin.core.errors import LoopinError
from loopin.marketplace.models import Listing, ListingPhoto, MarketplaceFee, MarketplaceOrder, OrderStatus, Rating
from loopin.marketplace.services.refunds import REFUNDABLE, marketplace_order_refund

REFUND_PERMISSION = "marketplace.refund_marketplaceorder"


class RefundReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept on the order and in the audit log.",
    )


class PhotoInline(admin.TabularInline):
    model = ListingPhoto
    extra = 0
    raw_id_fields = ("media",)


@admin.register(Listing)
class ListingAdmin(KeptRecordAdmin):
    list_display = ("title", "seller", "price", "currency", "category", "city", "status", "created_at")
    list_filter = ("status", "category", "condition")
    search_fields = ("title", "city", "seller__name")
    raw_id_fields = ("seller", "reserved_by")
    readonly_fields = ("status", "reserved_by", "reserved_until", "sold_at", "removed_at")
    inlines = [PhotoInline]


@admin.register(MarketplaceOrder)
class MarketplaceOrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "listing", "buyer", "seller", "status", "total", "currency", "created_at")
    list_filter = ("status",)
    search_fields = ("id", "listing__title")
    raw_id_fields = ("listing", "buyer", "seller")
    list_select_related = ("listing", "buyer", "seller")
    actions = ["refund_sales"]

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and request.user.has_perm(REFUND_PERMISSION)

    @admin.action(description="Refund in full (asks for a reason first)", permissions=["refund"])
    def refund_sales(self, request: HttpRequest, queryset: QuerySet[MarketplaceOrder]) -> TemplateResponse | None:
        """First a confirmation page naming the sales and asking why; on confirming, each sale refunded once."""
        form = RefundReasonForm(request.POST if request.POST.get("confirm") == "yes" else None)
        if not form.is_valid():
            return self._refund_confirmation(request, queryset, form)
        done = 0
        for order in queryset:
            if order.status == OrderStatus.REFUNDED:
                self.message_user(request, f"Nothing done: {order} was already refunded.", messages.WARNING)
                continue
            if order.status not in REFUNDABLE:
                self.message_user(
                    request,
                    f"Not refunded: {order} is {order.status}; only a paid or handed-over sale is refunded.",
                    messages.ERROR,
                )
                continue
            try:
                marketplace_order_refund(
                    staff=request.user,  # type: ignore[arg-type]
                    order_id=order.id,
                    reason=form.cleaned_data["reason"],
                )
            except LoopinError as exc:
                self.message_user(request, f"Not refunded: {order}: {exc.message} ({exc.code})", messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(request, f"{done} sale(s) refunded.", messages.SUCCESS)
        return None

    def _refund_confirmation(
        self, request: HttpRequest, queryset: QuerySet[MarketplaceOrder], form: RefundReasonForm
    ) -> TemplateResponse:
        orders = list(queryset)
        context = {
            **self.admin_site.each_context(request),
            "title": "Refund these sales?",
            "opts": self.model._meta,
            "orders": orders,
            "refundable": [o for o in orders if o.status in REFUNDABLE],
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/marketplace/marketplaceorder/refund_confirmation.html", context)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("order", "rater", "ratee", "stars", "created_at")
    raw_id_fields = ("order", "rater", "ratee")


@admin.register(MarketplaceFee)
class MarketplaceFeeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MarketplaceFee.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
