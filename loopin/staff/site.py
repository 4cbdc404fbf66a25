"""The operations admin site: password + TOTP sign-in, TOTP enrolment, and the dashboards.

- A staff member with a confirmed authenticator (TOTP device) always signs in with password + code.
- When TOTP is required (always with ENVIRONMENT=production, else STAFF_TOTP_REQUIRED), a staff member
  without one cannot sign in at all: they ask a superuser for a one-time enrolment link (admin action
  "Issue an authenticator enrolment link" on users, or `manage.py staff_totp_link <phone>`). On the link
  they give their password, then see the QR code and key, and one code confirms the device. A password
  alone never shows a TOTP secret.
- Otherwise (development) the password alone is enough; enrolment is offered from the index page.
- Failed sign-ins lock the account and the client IP out with a doubling wait (loopin.staff.signin).
A superuser resets someone's authenticator by deleting their device ("TOTP devices").
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import django_otp
import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from loopin.audit.services import audit_record
from loopin.core.errors import ServiceUnavailable
from loopin.core.phone import mask_phone
from loopin.core.settings import get_settings
from loopin.staff.alerts import alerts_for
from loopin.staff.dashboards import dashboard_render
from loopin.staff.signin import login_failed, login_lock_message, login_succeeded, request_ip
from loopin.staff.totp import (
    EnrolmentLinkRefused,
    confirmed_device,
    totp_link_claim,
    totp_link_confirm,
    totp_link_find,
)

if TYPE_CHECKING:
    from loopin.accounts.models import User

DASHBOARD_DAYS = (7, 30, 90, 365)


NOT_ENROLLED = (
    "This staff account has no authenticator app yet, and staff must use one. Ask a superuser for a "
    "one-time enrolment link (admin: Users, action \u201cIssue an authenticator enrolment link\u201d, "
    "or manage.py staff_totp_link <phone number>)."
)
LIMITER_DOWN = "Sign-in is paused because the rate limiter is unavailable. Try again in a minute."
LINK_SESSION_KEY = "staff_totp_link"

_confirmed_device = confirmed_device


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
        ip = request_ip(self.request) if self.request is not None else "unknown"
        username = self.data.get("username")
        try:
            locked = login_lock_message(ip=ip, username=username)
            if locked:
                raise ValidationError(locked, code="locked")
            try:
                cleaned = super().clean()
            except ValidationError as exc:
                lock = login_failed(ip=ip, username=username, user=self.user_cache, reason="password")
                raise ValidationError([*exc.error_list, *([lock] if lock else [])]) from None
            user = self.get_user()
            device = _confirmed_device(user)
            if device is None:
                if get_settings().staff_totp_required:
                    raise ValidationError(NOT_ENROLLED, code="totp_not_enrolled")
                login_succeeded(username=username)
                return cleaned  # password only (development)
            token = (cleaned.get("otp_token") or "").strip()
            if not token:
                raise ValidationError("Enter the code from your authenticator app.", code="token_required")
            allowed, _ = device.verify_is_allowed()
            verified = django_otp.verify_token(user, device.persistent_id, token) if allowed else None
            if verified is None:
                device.refresh_from_db()
                lock = login_failed(ip=ip, username=username, user=user, reason="totp")
                wrong = _wrong_code_message(device, throttled=not allowed)
                raise ValidationError([wrong, *([lock] if lock else [])], code="invalid_token")
        except ServiceUnavailable:
            raise ValidationError(LIMITER_DOWN, code="limiter_unavailable") from None
        login_succeeded(username=username)
        user.otp_device = verified  # django_otp marks the session verified on login
        return cleaned


class TotpConfirmForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from the app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class LinkPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autofocus": True})
    )


def _link_password_error(request: HttpRequest, user: User, password: str, *, ip: str) -> str | None:
    """None when `password` is the link owner's; else what happened (a lock-out included)."""
    locked = login_lock_message(ip=ip, username=user.phone_number)
    if locked:
        return locked
    if authenticate(request, username=user.phone_number, password=password) == user:
        return None
    lock = login_failed(ip=ip, username=user.phone_number, user=user, reason="password")
    return "That password is not right." + (f" {lock}" if lock else "")


def _secret_context(device: TOTPDevice) -> dict[str, str]:
    return {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff"),
        "secret": b32encode(device.bin_key).decode(),
    }


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

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        return super().index(request, {**(extra_context or {}), "staff_alerts": alerts_for(request.user)})

    def get_urls(self) -> list[URLPattern]:
        return [
            path("totp/", never_cache(self.totp_enrol_view), name="staff_totp"),
            path("totp/link/<str:token>/", never_cache(self.totp_link_view), name="staff_totp_link"),
            path("dashboard/", self.admin_view(self.dashboard_view), name="staff_dashboard"),
            *super().get_urls(),
        ]

    # ------------------------------------------------------------ TOTP enrolment

    def totp_enrol_view(self, request: HttpRequest) -> HttpResponse:
        """Set up an authenticator app: QR code (inline SVG) and key, then one code to confirm.
        When TOTP is required this only says how to get an enrolment link (see `totp_link_view`)."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        context = {**self.each_context(request), "title": "Set up your authenticator app"}
        if _confirmed_device(user) is not None:
            if not user.is_verified():  # type: ignore[union-attr]
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            return TemplateResponse(request, "staff/totp_enrol.html", {**context, "enrolled": True})
        if self.totp_required():
            return TemplateResponse(request, "staff/totp_enrol.html", {**context, "needs_link": True})
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
                **_secret_context(device),
            },
        )

    def totp_link_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """A one-time enrolment link: the owner's password (throttled like sign-in), then the QR code
        and key, then one code; the session is then signed in and verified."""
        context = {**self.each_context(request), "title": "Set up your authenticator app"}
        claim = request.session.get(LINK_SESSION_KEY) or {}
        link = totp_link_find(token, claim_secret=str(claim.get("secret", "")))
        if link is None:
            return TemplateResponse(request, "staff/totp_link.html", {**context, "invalid": True}, status=410)
        context["account"] = mask_phone(link.user.phone_number)
        ip = request_ip(request)
        if link.claimed_at is None:
            form: forms.Form = LinkPasswordForm(request.POST or None)
            if request.method == "POST" and form.is_valid():
                try:
                    error = _link_password_error(request, link.user, form.cleaned_data["password"], ip=ip)
                    if error is None:
                        secret = secrets.token_urlsafe(16)
                        totp_link_claim(link, claim_secret=secret)
                        request.session[LINK_SESSION_KEY] = {"id": str(link.id), "secret": secret}
                        return redirect(request.path)
                except (ServiceUnavailable, EnrolmentLinkRefused) as exc:
                    error = LIMITER_DOWN if isinstance(exc, ServiceUnavailable) else str(exc)
                form.add_error(None, error)
            return TemplateResponse(request, "staff/totp_link.html", {**context, "step": "password", "form": form})
        device = totp_link_claim(link, claim_secret=str(claim.get("secret", "")))
        form = TotpConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            allowed, _ = device.verify_is_allowed()
            confirmed = totp_link_confirm(link, token=form.cleaned_data["otp_token"].strip()) if allowed else None
            if confirmed is not None:
                request.session.pop(LINK_SESSION_KEY, None)
                auth_login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
                otp_login(request, confirmed)
                login_succeeded(username=link.user.phone_number)
                messages.success(request, "Your authenticator app is set up: sign-ins now ask for its code.")
                return redirect("admin:index")
            device.refresh_from_db()
            form.add_error("otp_token", _wrong_code_message(device, throttled=not allowed))
        return TemplateResponse(
            request, "staff/totp_link.html", {**context, "step": "code", "form": form, **_secret_context(device)}
        )

    # ------------------------------------------------------------ dashboards

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        """Every registered panel this staff member may see (see loopin.staff.dashboards)."""

        try:
            days = int(request.GET.get("days", "30"))
        except ValueError:
            days = 30
        days = min(max(days, 1), 365)
        context = {
            **self.each_context(request),
            "title": "Dashboard",
            "panels": dashboard_render(user=request.user, days=days),
            "staff_alerts": alerts_for(request.user),
            "days": days,
            "day_choices": DASHBOARD_DAYS,
        }
        return TemplateResponse(request, "staff/dashboard.html", context)
