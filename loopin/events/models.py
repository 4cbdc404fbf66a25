from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from loopin.core.ids import number_field
from loopin.core.models import AuditedModel, DeletedByModel, Picture, SoftDeletedQuerySet


class VenueType(models.TextChoices):
    INDOOR = "indoor", "Indoor"
    OUTDOOR = "outdoor", "Outdoor"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


class Venue(AuditedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=500, blank=True)
    city = models.CharField(max_length=100, db_index=True)
    country_code = models.CharField(max_length=2, default="IN")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    venue_type = models.CharField(max_length=16, choices=VenueType.choices, default=VenueType.INDOOR)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Informational only.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="venues"
    )
    # An organisation's venue: its members run it by role (`venuecommerce.access`, ORGANISATION_VENUE_ROLES) and
    # `created_by` is only the member who added it. None: a personal venue, run by `created_by`.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="venues"
    )
    is_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    POSTPONED = "postponed", "Postponed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class JoinMode(models.TextChoices):
    OPEN = "open", "Open: anyone may take a seat"
    APPROVAL = "approval", "Approval: the host approves requests"
    INVITE_ONLY = "invite_only", "Invite only"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class AllowedGender(models.TextChoices):
    ALL = "all", "All"
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NON_BINARY = "non_binary", "Non-binary"


class RsvpPolicy(models.TextChoices):
    """How long an accepted guest (or an invitee) has to say yes; the app's values (CLIENT.md C9, C21)."""

    H48 = "48h", "48 hours after acceptance"
    D7 = "7d", "7 days after acceptance"
    DAY_BEFORE_EVENT = "day_before_event", "Until 00:00 on the event day"
    EVENT_START = "event_start", "Until the event starts"


class Event(AuditedModel, DeletedByModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("events", "event")
    canonical_id = models.CharField(max_length=12, unique=True, editable=False)
    slug = models.SlugField(max_length=220)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_events")
    # An organisation's event: its members run it by role (`selectors.access.holds_host_power`) and `host` is only
    # the member who created it (shown as its person). None: a personal event, run by `host`.
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10000)

    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    location_text = models.CharField(max_length=500, blank=True)
    # Where the event is, copied from the venue when there is one, for filtering without joins.
    city = models.CharField(max_length=100, blank=True, db_index=True)
    country_code = models.CharField(max_length=2, default="IN")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    start_at = models.DateTimeField(db_index=True)
    end_at = models.DateTimeField()

    capacity = models.PositiveIntegerField(default=0, help_text="0 means unlimited.")
    seats_taken = models.PositiveIntegerField(default=0, help_text="Seats of valid tickets and live holds.")
    going_count = models.PositiveIntegerField(default=0, help_text="People with a valid ticket.")

    is_paid = models.BooleanField(default=False)
    ticket_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="INR")

    allow_plus_one = models.BooleanField(default=False)
    allowed_genders = models.JSONField(default=list, help_text='["all"] or some of male, female, non_binary')
    interests = models.ManyToManyField("accounts.Interest", related_name="events")
    join_mode = models.CharField(max_length=16, choices=JoinMode.choices, default=JoinMode.OPEN)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True)
    status_reason = models.CharField(max_length=500, blank=True)
    rsvp_expiry_policy = models.CharField(
        max_length=24,
        choices=RsvpPolicy.choices,
        default=RsvpPolicy.D7,
        help_text="How long a guest whose request was accepted may confirm; their seat is held until then.",
    )

    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SoftDeletedQuerySet["Event"].as_manager()

    class Meta:
        ordering = ["start_at"]
        indexes = [
            models.Index(fields=["status", "visibility", "start_at"], name="event_feed_idx"),
            models.Index(fields=["latitude", "longitude"], name="event_geo_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=models.F("start_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity=0) | Q(seats_taken__lte=models.F("capacity")), name="event_never_oversold"
            ),
            models.CheckConstraint(condition=Q(ticket_price__gte=0), name="event_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_seats_per_guest(self) -> int:
        return 2 if self.allow_plus_one else 1

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity == 0 else max(self.capacity - self.seats_taken, 0)

    @property
    def has_started(self) -> bool:
        return self.start_at <= timezone.now()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class EventImage(Picture):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="images")

    class Meta(Picture.Meta):
        pass


class EventSlug(models.Model):
    """Every slug an event has had, so share paths made before a title change still resolve."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slug_history")
    slug = models.SlugField(max_length=220)
    city_slug = models.SlugField(max_length=120)
    country = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "country", "city_slug", "slug"], name="event_slug_once")
        ]

    def __str__(self) -> str:
        return self.slug


class HostLead(models.Model):
    class State(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        CONVERTED = "converted", "Converted"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    phone_number = models.CharField(max_length=32, unique=True)
    message = models.TextField(blank=True, max_length=2000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW, db_index=True)
    staff_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_REQUEST = [RequestStatus.PENDING, RequestStatus.ACCEPTED]


class JoinRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("events", "joinrequest")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(blank=True, max_length=2000)
    seats_requested = models.PositiveSmallIntegerField(default=1)
    tier = models.ForeignKey(
        "events.TicketTier", null=True, blank=True, on_delete=models.RESTRICT, related_name="join_requests"
    )
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    host_message = models.TextField(blank=True, max_length=2000)
    confirm_by = models.DateTimeField(
        null=True, blank=True, help_text="Accepted: the guest may confirm until then (the event's RSVP policy)."
    )
    seats_held = models.BooleanField(
        default=False, help_text="Accepted and not yet confirmed: its seats count in the event's seats taken."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(status__in=ACTIVE_REQUEST), name="one_active_request_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"request {str(self.id)[:8]} ({self.status})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    GOING = "going", "Going"
    NOT_GOING = "not_going", "Not going"
    REVOKED = "revoked", "Revoked"


class Invitation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("events", "invitation")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey("InviteLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING, db_index=True
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    expiry_policy = models.CharField(max_length=24, choices=RsvpPolicy.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "invitee"],
                condition=Q(status__in=[InvitationStatus.PENDING, InvitationStatus.GOING]),
                name="one_open_invitation_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"invitation {str(self.id)[:8]} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class InviteLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invite_links")
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link {self.token[:6]}…"


class PhoneInvitationStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for sign-up"
    CLAIMED = "claimed", "Signed up: invitation delivered"
    CANCELLED = "cancelled", "Cancelled"


class PhoneInvitation(models.Model):
    """A host invited a phone number with no account: an SMS with the invite link went out, and the
    invitation waits for that number to sign up (it then becomes an ordinary `Invitation`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="phone_invitations")
    phone_number = models.CharField(max_length=32)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(InviteLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=16, choices=PhoneInvitationStatus.choices, default=PhoneInvitationStatus.WAITING, db_index=True
    )
    sms_status = models.CharField(max_length=16, blank=True, help_text="pending, sent or failed")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "phone_number"],
                condition=Q(status="waiting"),
                name="one_waiting_phone_invitation",
            )
        ]
        indexes = [models.Index(fields=["phone_number", "status"], name="phone_invitation_lookup")]

    def __str__(self) -> str:
        return f"phone invitation {str(self.id)[:8]} ({self.status})"


class TierVisibility(models.TextChoices):
    PUBLIC = "public", "Public"
    HIDDEN = "hidden", "Hidden until unlocked by a code"


class TicketTier(AuditedModel):
    """A kind of ticket at an event, with its own price, capacity and sales window.

    Every event has one default tier (its `ticket_price`, unlimited within the event's capacity); hosts add
    more. `seats_taken` counts the tier's seats of valid tickets and live holds; the event's `seats_taken`
    counts them over all tiers, so a seat is never sold past the tier's capacity nor the event's.
    Both counters move together, only in `loopin.participation.seats`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True, max_length=2000)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"), help_text="0 = free.")
    pay_what_you_want = models.BooleanField(default=False, help_text="The buyer chooses a price of at least `price`.")
    suggested_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    capacity = models.PositiveIntegerField(default=0, help_text="0 means: only the event's capacity limits it.")
    seats_taken = models.PositiveIntegerField(default=0, help_text="Seats of valid tickets and live holds.")
    sales_start_at = models.DateTimeField(null=True, blank=True)
    sales_end_at = models.DateTimeField(null=True, blank=True)
    min_per_order = models.PositiveSmallIntegerField(default=1)
    max_per_order = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the event's rule (1, or 2 with a plus-one)."
    )
    visibility = models.CharField(max_length=16, choices=TierVisibility.choices, default=TierVisibility.PUBLIC)
    unlock_code = models.CharField(
        max_length=64, blank=True, help_text="Shows a hidden tier to whoever gives it (any letter case)."
    )
    requires_approval = models.BooleanField(default=False, help_text="Buyers ask first; the host accepts.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_default = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity=0) | Q(seats_taken__lte=models.F("capacity")), name="tier_never_oversold"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="tier_price_not_negative"),
            models.UniqueConstraint(fields=["event"], condition=Q(is_default=True), name="one_default_tier"),
        ]
        indexes = [models.Index(fields=["event", "unlock_code"], name="tier_unlock_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.unlock_code = self.unlock_code.strip().upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity == 0 else max(self.capacity - self.seats_taken, 0)

    def max_seats(self, event: Event) -> int:
        return self.max_per_order if self.max_per_order else event.max_seats_per_guest


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a seat (held for them)"
    CONVERTED = "converted", "Took the seat"
    EXPIRED = "expired", "Offer lapsed"
    LEFT = "left", "Left the waitlist"


ACTIVE_WAITLIST = [WaitlistStatus.WAITING, WaitlistStatus.OFFERED]


class WaitlistEntry(models.Model):
    """Someone waiting for a seat of a sold-out event or tier. A freed seat is held for the first in line
    (`seats_held`, counted in the tier's and the event's seats taken) until `offer_expires_at`; they confirm or
    pay in time, or it passes to the next. Written only by `loopin.participation.waitlist`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waitlist")
    tier = models.ForeignKey(TicketTier, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    seats = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING, db_index=True
    )
    seats_held = models.BooleanField(default=False, help_text="Offered: the seats are held for this person.")
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(status__in=ACTIVE_WAITLIST), name="one_waitlist_place_per_user"
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="waitlist_line_idx")]

    def __str__(self) -> str:
        return f"waitlist {str(self.id)[:8]} ({self.status})"


class CoHost(models.Model):
    """Someone the host runs the event with. The host adds them (by phone number or handle); they accept first,
    since a co-host sees guests' data and decides who comes. Only an accepted co-host has powers (the table in
    `loopin.events.selectors.access.CO_HOST_ACTIONS`); declining, leaving or being removed deletes the row, so
    the powers go at once (the audit log keeps the history). Money (payouts, earnings) stays with the host."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="co_hosts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_hosting")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    can_see_phone_numbers = models.BooleanField(
        default=False, help_text="The host lets this co-host see guests' phone numbers (guest list, export)."
    )
    accepted_at = models.DateTimeField(null=True, blank=True, help_text="Empty: invited, not yet accepted.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "co-host"
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="co_host_once")]
        indexes = [models.Index(fields=["user", "accepted_at"], name="co_host_user_idx")]

    def __str__(self) -> str:
        return f"co-host {self.user_id} of {self.event_id}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class GuestMessage(models.Model):
    """An announcement the host (or a co-host) sent to the event's guests: every ticket holder, or one tier's.
    Delivered as a push + in-app notification after commit (notifications' `guest_message.sent` trigger)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guest_messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    tier = models.ForeignKey(
        TicketTier, null=True, blank=True, on_delete=models.CASCADE, related_name="+", help_text="Empty: all guests."
    )
    body = models.TextField(max_length=1000)
    recipients_count = models.PositiveIntegerField(default=0, help_text="Ticket holders it was sent to.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"message {str(self.id)[:8]} to {self.event_id}"


class QuestionKind(models.TextChoices):
    TEXT = "text", "Text"
    CHOICE = "choice", "One choice"
    MULTI_CHOICE = "multi_choice", "Several choices"


class CheckoutQuestion(AuditedModel, DeletedByModel):
    """A question the host asks whoever requests, confirms or buys (for some tiers or all). Retired, not deleted:
    a removed question keeps its answers but is no longer asked or shown. Written by events.services.questions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=300)
    hint = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(default=list, blank=True, help_text="The options of a choice question, in order.")
    required = models.BooleanField(default=False)
    tiers = models.ManyToManyField(
        TicketTier, blank=True, related_name="questions", help_text="Asked only for these tiers (none: every tier)."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Removed by the host: no longer asked.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "created_at"]
        indexes = [models.Index(fields=["event", "retired_at"], name="question_event_idx")]

    def __str__(self) -> str:
        return self.label


class CheckoutAnswer(models.Model):
    """A person's answer to a question: one per person and question (answering again replaces it). Given with a
    join request or an order (`order_id`: payments owns orders), it follows the person to the ticket issued."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(CheckoutQuestion, on_delete=models.CASCADE, related_name="answers")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkout_answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkout_answers")
    text = models.TextField(blank=True, max_length=2000, help_text="A text answer.")
    selected = models.JSONField(default=list, blank=True, help_text="The choices picked (one for a choice question).")
    join_request = models.ForeignKey(
        JoinRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    order_id = models.UUIDField(null=True, blank=True, help_text="The order it was given with.")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="one_answer_per_question")]
        indexes = [models.Index(fields=["event", "user"], name="answer_event_user_idx")]

    def __str__(self) -> str:
        return f"answer {str(self.id)[:8]}"

    @property
    def display(self) -> str:
        return self.text if self.text else ", ".join(self.selected)
