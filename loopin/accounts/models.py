from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from loopin.core.ids import number_field
from loopin.core.models import Picture
from loopin.core.phone import mask_phone


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone_number: str, password: str | None = None, **extra: object) -> User:
        user = self.model(phone_number=phone_number, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()  # app users sign in with a code, never a password
        user.save(using=self._db)
        return user

    def create_superuser(self, phone_number: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_verified", True)
        if not password:
            raise ValueError("Staff need a password to sign in to the admin.")
        return self.create_user(phone_number, password, **extra)

    def alive(self) -> models.QuerySet[User]:
        """People who have not deleted their account."""
        return self.get_queryset().filter(deleted_at__isnull=True)


class Interest(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    """An app user, identified by a phone number in E.164. Staff also have a password for the admin."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("accounts", "user")
    phone_number = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=24, choices=Gender.choices, blank=True)
    bio = models.TextField(blank=True, max_length=1000)
    interests = models.ManyToManyField(Interest, blank=True, related_name="users")

    is_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_host = models.BooleanField(default=False, help_text="Marked by staff when hosts require approval.")
    is_suspended = models.BooleanField(
        default=False, help_text="Suspended by staff: every session is revoked and sign-in is refused."
    )
    profile_completed_at = models.DateTimeField(null=True, blank=True)
    promote_at = models.DateTimeField(
        null=True, blank=True, help_text="On the onboarding waitlist until this time (set at first completion)."
    )
    promoted_at = models.DateTimeField(null=True, blank=True, help_text="When the user left the waitlist.")
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="The user deleted the account: personal data was erased then."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "phone_number"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["-date_joined"]
        indexes = [
            models.Index(
                fields=["promote_at"], condition=models.Q(promoted_at__isnull=True), name="accounts_user_waitlist"
            )
        ]
        permissions = [
            ("suspend_user", "Can suspend and unsuspend users"),
            ("promote_user", "Can promote users from the onboarding waitlist"),
        ]

    def __str__(self) -> str:
        return self.name or f"user {str(self.id)[:8]}"

    @property
    def profile_complete(self) -> bool:
        return self.profile_completed_at is not None

    @property
    def is_waitlisted(self) -> bool:
        return self.promote_at is not None and self.promoted_at is None

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = date.today()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class ProfilePicture(Picture):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pictures")

    class Meta(Picture.Meta):
        pass


class PhoneLead(models.Model):
    """Every phone that asked for a code. It is a lead until it verifies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone_number = models.CharField(max_length=32, unique=True)
    first_requested_at = models.DateTimeField(default=timezone.now)
    last_requested_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_manually_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    last_send_status = models.CharField(max_length=16, blank=True)
    last_send_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-last_requested_at"]
        permissions = [("verify_lead", "Can verify a lead by hand")]

    def __str__(self) -> str:

        return mask_phone(self.phone_number)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class OtpPurpose(models.TextChoices):
    SIGNUP = "signup", "Sign up"
    LOGIN = "login", "Log in"
    DELETE_ACCOUNT = "delete_account", "Delete account"


SIGN_IN_PURPOSES = (OtpPurpose.SIGNUP, OtpPurpose.LOGIN)


class SendStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OtpCode(models.Model):
    """One code sent to one phone; only its keyed hash is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lead = models.ForeignKey(PhoneLead, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=16, choices=OtpPurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    send_status = models.CharField(max_length=16, choices=SendStatus.choices, default=SendStatus.PENDING)
    send_error = models.CharField(max_length=255, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lead", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} code {str(self.id)[:8]}"


class OtpFailure(models.Model):
    """One wrong code entered for a phone: the daily failure cap counts these across all codes."""

    lead = models.ForeignKey(PhoneLead, on_delete=models.CASCADE, related_name="failures")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"failure at {self.created_at:%Y-%m-%d %H:%M}"


class OtpGuessBucket(models.Model):
    """A leaky bucket (GCRA) of wrong codes: the phone's across every network (`ip_digest` empty), or the
    phone's from one client IP (a keyed digest, not the address). `tat` is the theoretical arrival time:
    a code is checked only while `tat - now <= (burst - 1) * interval` (see services/otp_budget.py)."""

    lead = models.ForeignKey(PhoneLead, on_delete=models.CASCADE, related_name="guess_buckets")
    ip_digest = models.CharField(max_length=64, blank=True)
    tat = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lead", "ip_digest"], name="otp_guess_bucket_unique")]

    def __str__(self) -> str:
        return f"wrong-code bucket until {self.tat:%Y-%m-%d %H:%M}"


class AuthSession(models.Model):
    """A refresh-token family: one signed-in device. Revoking it ends every token it issued."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_sessions")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"session {str(self.id)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RefreshToken(models.Model):
    """One opaque refresh token, stored as a SHA-256 hash; used once, then replaced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(AuthSession, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    # The refresh token this one was traded for, sealed (Fernet, expires with the grace window): a concurrent
    # refresh with this token within REFRESH_TOKEN_REUSE_GRACE_SECONDS gets the same new token back.
    successor_sealed = models.TextField(blank=True, default="", editable=False)

    def __str__(self) -> str:
        return f"refresh {str(self.id)[:8]}"
