"""The operations admin site: password + TOTP sign-in, TOTP enrolment, and the dashboards.

- A staff member with a confirmed authenticator (TOTP device) always signs in with password + code.
- When TOTP is required (always with ENVIRONMENT=production, else STAFF_TOTP_REQUIRED), a staff member
  without one signs in with the password and is sent to the enrolment page (`totp/`): scan the QR code,
  type a code, and the session is verified. Until then every other admin page stays closed.
- Otherwise (development) the password alone is enough; enrolment is offered from the index page.
A superuser resets someone's authenticator by deleting their device ("TOTP devices").
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from loopin.config.settings import get_settings

DASHBOARD_DAYS = (7, 30, 90, 365)


def _confirmed_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _wrong_code_message(device: Any, *, throttled: bool) -> str:
    """What happened and when the next code is looked at (django-otp doubles the wait after each wrong one)."""
    _, info = device.verify_is_allowed()
    what = (
        "That code was not checked: too many wrong codes in a row."
        if throttled
        else "That authenticator code is not right."
    )
    if not info or not info.get("locked_until"):
        return f"{what} Check the app's clock and type the current code."
    zone = ZoneInfo(get_settings().DISPLAY_TIME_ZONE)
    until = info["locked_until"].astimezone(zone)
    wait = max(int((info["locked_until"] - timezone.now()).total_seconds()) + 1, 1)
    return (
        f"{what} {info.get('failure_count', 0)} wrong in a row: try again after {until:%H:%M:%S} "
        f"({until.tzname()}), in {wait} s."
    )


class StaffLoginForm(AdminAuthenticationForm):
    """Phone number + password, and the authenticator code for staff who have set one up."""

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        import django_otp

        cleaned = super().clean()
        user = self.get_user()
        device = _confirmed_device(user) if user is not None else None
        if device is None:
            return cleaned  # password only; the site sends them to enrolment when TOTP is required
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise ValidationError("Enter the code from your authenticator app.", code="token_required")
        allowed, _ = device.verify_is_allowed()
        verified = django_otp.verify_token(user, device.persistent_id, token) if allowed else None
        if verified is None:
            device.refresh_from_db()
            raise ValidationError(_wrong_code_message(device, throttled=not allowed), code="invalid_token")
        user.otp_device = verified  # django_otp marks the session verified on login
        return cleaned


class TotpConfirmForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from the app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class LoopinAdminSite(admin.AdminSite):
    site_header = "Loopin operations"
    site_title = "Loopin admin"
    index_title = "Operations"
    login_form = StaffLoginForm
    login_template = "staff/login.html"
    index_template = "staff/index.html"

    # ------------------------------------------------------------ who may enter

    @staticmethod
    def totp_required() -> bool:
        return get_settings().staff_totp_required

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        if user.is_verified():  # type: ignore[union-attr]
            return True
        return not self.totp_required() and _confirmed_device(user) is None

    def _must_enrol(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and self.totp_required()
            and _confirmed_device(user) is None
        )

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET" and self._must_enrol(request):
            return redirect("admin:staff_totp")
        return super().login(request, extra_context)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["totp_required"] = self.totp_required()
        return context

    def get_urls(self) -> list[URLPattern]:
        return [
            path("totp/", never_cache(self.totp_enrol_view), name="staff_totp"),
            path("dashboard/", self.admin_view(self.dashboard_view), name="staff_dashboard"),
            *super().get_urls(),
        ]

    # ------------------------------------------------------------ TOTP enrolment

    def totp_enrol_view(self, request: HttpRequest) -> HttpResponse:
        """Set up an authenticator app: QR code (inline SVG) and key, then one code to confirm."""
        import segno
        from django_otp import login as otp_login
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from loopin.audit.services import audit_record

        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        context = {**self.each_context(request), "title": "Set up your authenticator app"}
        if _confirmed_device(user) is not None:
            if not user.is_verified():  # type: ignore[union-attr]
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            return TemplateResponse(request, "staff/totp_enrol.html", {**context, "enrolled": True})
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
        form = TotpConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                if device.verify_token(form.cleaned_data["otp_token"].strip()):
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                    audit_record(action="staff.totp_enrolled", actor=user, obj=device, subject=user)
                    otp_login(request, device)
                    messages.success(request, "Your authenticator app is set up: sign-ins now ask for its code.")
                    return redirect("admin:index")
            form.add_error("otp_token", "That code is not right. Check the app's clock and try the next code.")
        return TemplateResponse(
            request,
            "staff/totp_enrol.html",
            {
                **context,
                "enrolled": False,
                "form": form,
                "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff"),
                "secret": b32encode(device.bin_key).decode(),
            },
        )

    # ------------------------------------------------------------ dashboards

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        """Every registered panel this staff member may see (see loopin.staff.dashboards)."""
        from loopin.staff.dashboards import dashboard_render

        try:
            days = int(request.GET.get("days", "30"))
        except ValueError:
            days = 30
        days = min(max(days, 1), 365)
        context = {
            **self.each_context(request),
            "title": "Dashboard",
            "panels": dashboard_render(user=request.user, days=days),
            "days": days,
            "day_choices": DASHBOARD_DAYS,
        }
        return TemplateResponse(request, "staff/dashboard.html", context)
