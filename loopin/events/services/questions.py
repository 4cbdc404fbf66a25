"""Checkout questions, write side: the host adds, changes and removes questions; answers are saved with the
request, confirmation or order that carried them (and given later through `answers_give`).

A question people answered keeps its kind and the choices they picked (409 QUESTION_HAS_ANSWERS); removing a
question retires it (no longer asked or shown; its answers stay for the record).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, ValidationFailed
from loopin.core.models import stamp
from loopin.events.error_codes import EventErrorCode
from loopin.events.holders import valid_ticket
from loopin.events.models import (
    CheckoutAnswer,
    CheckoutQuestion,
    Event,
    JoinRequest,
    QuestionKind,
    RequestStatus,
    TicketTier,
)
from loopin.events.questions import AnswerGiven, CheckedAnswer, answers_check
from loopin.events.selectors.access import event_for
from loopin.events.services.access import event_for_edit

if TYPE_CHECKING:
    from loopin.tickets.models import Ticket

MAX_QUESTIONS = 30
MAX_CHOICES = 50


@dataclass
class QuestionInput:
    """Question fields (shape rules are in schemas); on update only the `given` ones change."""

    label: str | None = None
    hint: str | None = None
    kind: str | None = None
    choices: list[str] | None = None
    required: bool | None = None
    tier_ids: list[uuid.UUID] | None = None
    sort_order: int | None = None
    given: set[str] = field(default_factory=set)


def _managed_event(actor: User, event_id: uuid.UUID) -> Event:
    return event_for_edit(actor, event_id)


def _locked_question(event: Event, question_id: uuid.UUID) -> CheckoutQuestion:
    question = (
        CheckoutQuestion.objects.select_for_update()
        .filter(id=question_id, event_id=event.id, retired_at__isnull=True)
        .first()
    )
    if question is None:
        raise NotFound("This event has no such question.", code=EventErrorCode.QUESTION_NOT_FOUND)
    return question


def _clean_choices(kind: str, choices: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(c.strip() for c in choices if c.strip()))
    if kind == QuestionKind.TEXT:
        if cleaned:
            raise ValidationFailed.one("choices", "NO_CHOICES", "A text question has no choices.")
        return []
    if not 2 <= len(cleaned) <= MAX_CHOICES:
        raise ValidationFailed.one(
            "choices", "CHOICES_NEEDED", f"A choice question needs 2 to {MAX_CHOICES} different choices."
        )
    return cleaned


def _tiers(event: Event, tier_ids: list[uuid.UUID]) -> list[TicketTier]:
    tiers = list(TicketTier.objects.filter(event_id=event.id, id__in=tier_ids))
    if len(tiers) != len(set(tier_ids)):
        raise NotFound("This event has no such ticket tier.", code=EventErrorCode.TIER_NOT_FOUND)
    return tiers


def question_create(*, actor: User, event_id: uuid.UUID, data: QuestionInput) -> CheckoutQuestion:
    """Ask a new checkout question (host)."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        if CheckoutQuestion.objects.filter(event=event, retired_at__isnull=True).count() >= MAX_QUESTIONS:
            raise ValidationFailed.one("label", "TOO_MANY_QUESTIONS", f"An event asks at most {MAX_QUESTIONS}.")
        kind = data.kind or QuestionKind.TEXT
        question = CheckoutQuestion.objects.create(
            event=event,
            label=(data.label or "").strip(),
            hint=(data.hint or "").strip(),
            kind=kind,
            choices=_clean_choices(kind, data.choices or []),
            required=bool(data.required),
            sort_order=data.sort_order or 0,
            created_by=actor,
            updated_by=actor,
        )
        if data.tier_ids:
            question.tiers.set(_tiers(event, data.tier_ids))
        audit_record(action="question.created", actor=actor, obj=question, data={"event_id": str(event.id)})
    return question


def _picked_choices(question: CheckoutQuestion) -> set[str]:
    picked: set[str] = set()
    for selected in CheckoutAnswer.objects.filter(question=question).values_list("selected", flat=True):
        picked.update(selected or [])
    return picked


def question_update(
    *, actor: User, event_id: uuid.UUID, question_id: uuid.UUID, data: QuestionInput
) -> CheckoutQuestion:
    """Change a question (host); once answered its kind stays, and so do the choices people picked."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        question = _locked_question(event, question_id)
        answered = CheckoutAnswer.objects.filter(question=question).exists()
        kind = data.kind if "kind" in data.given and data.kind else question.kind
        if answered and kind != question.kind:
            raise Conflict(
                "People answered this question: its kind cannot change (remove it and ask a new one).",
                code=EventErrorCode.QUESTION_HAS_ANSWERS,
            )
        if "choices" in data.given or kind != question.kind:
            choices = _clean_choices(kind, data.choices if data.choices is not None else list(question.choices))
            dropped = sorted(_picked_choices(question) - set(choices)) if answered else []
            if dropped:
                raise Conflict(
                    "People picked these choices: they stay.",
                    code=EventErrorCode.QUESTION_HAS_ANSWERS,
                    details={"choices": dropped},
                )
            question.choices = choices
        question.kind = kind
        for name in ("label", "hint"):
            if name in data.given and getattr(data, name) is not None:
                setattr(question, name, getattr(data, name).strip())
        if "required" in data.given and data.required is not None:
            question.required = data.required
        if "sort_order" in data.given and data.sort_order is not None:
            question.sort_order = data.sort_order
        stamp(question, actor, "update")
        question.save()
        if "tier_ids" in data.given:
            question.tiers.set(_tiers(event, data.tier_ids or []))
        audit_record(action="question.updated", actor=actor, obj=question, data={"fields": sorted(data.given)})
    return question


def question_retire(*, actor: User, event_id: uuid.UUID, question_id: uuid.UUID) -> None:
    """Remove a question (host): it is no longer asked or shown; answers already given are kept."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        question = _locked_question(event, question_id)
        question.retired_at = timezone.now()
        question.save(update_fields=["retired_at", "updated_at", *stamp(question, actor, "delete")])
        audit_record(action="question.retired", actor=actor, obj=question, data={"event_id": str(event.id)})


def answers_save(
    *,
    event: Event,
    user: User,
    checked: list[CheckedAnswer] | None,
    join_request: JoinRequest | None = None,
    order_id: uuid.UUID | None = None,
    ticket: Ticket | None = None,
) -> None:
    """Store checked answers (one per person and question; an empty one removes theirs), tied to what carried
    them. Call inside the caller's transaction, after `answers_check`."""
    for answer in checked or []:
        if answer.empty:
            CheckoutAnswer.objects.filter(question=answer.question, user=user).delete()
            continue
        fields: dict[str, object] = {"event": event, "text": answer.text, "selected": answer.selected}
        if join_request is not None:
            fields["join_request"] = join_request
        if order_id is not None:
            fields["order_id"] = order_id
        if ticket is not None:
            fields["ticket"] = ticket
        CheckoutAnswer.objects.update_or_create(question=answer.question, user=user, defaults=fields)


def answers_give(*, user: User, event_id: uuid.UUID, answers: list[AnswerGiven]) -> None:
    """Answer (or change answers) after taking part: for guests who asked or got in through the app, which has
    no questions. Checked against the tier of their ticket or open request."""
    with transaction.atomic():
        event = event_for(user, event_id)
        ticket = valid_ticket(user.id, event.id)
        request = (
            JoinRequest.objects.filter(
                event=event, user=user, status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED]
            )
            .order_by("-created_at")
            .first()
        )
        if ticket is None and request is None:
            raise NotFound("Answer when you ask to join, confirm or buy.", code=EventErrorCode.REQUEST_NOT_FOUND)
        tier = ticket.tier if ticket else request.tier if request else None
        checked = answers_check(event=event, user=user, tier=tier, answers=answers)
        answers_save(event=event, user=user, checked=checked, join_request=request, ticket=ticket)
        audit_record(action="answers.given", actor=user, obj=event, data={"questions": len(answers)})
