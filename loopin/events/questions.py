"""Checkout questions, read side: which questions an event asks (per tier), checking a person's answers
against them, and the answers as the host's lists and the export show them.

Answers are checked before anything is written (`answers_check`, which raises) and saved by
`loopin.events.services.questions.answers_save` in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, UUIDField

from loopin.accounts.models import User
from loopin.core.compiled import CompiledQuery
from loopin.core.errors import BusinessRuleError
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import CheckoutAnswer, CheckoutQuestion, Event, QuestionKind, TicketTier

MAX_ANSWER_CHARS = 2000


@dataclass(frozen=True)
class AnswerGiven:
    """One answer as a caller sends it: text, one choice, or a list of choices."""

    question_id: uuid.UUID
    answer: str | list[str]


@dataclass(frozen=True)
class CheckedAnswer:
    question: CheckoutQuestion
    text: str
    selected: list[str]

    @property
    def empty(self) -> bool:
        return not self.text and not self.selected


def _current(event_id: uuid.UUID) -> QuerySet[CheckoutQuestion]:
    return CheckoutQuestion.objects.filter(event_id=event_id, retired_at__isnull=True)


def _first_current(event_id: uuid.UUID) -> QuerySet[Any, Any]:
    rows: QuerySet[Any, Any] = _current(event_id).values("id")[:1]
    return rows


# Most events ask nothing: every hold asks first with SQL compiled once (a hold's ORM building was ~6 % of it for
# this list alone, issue 22); an event that asks gets its questions read in full after it.
_ANY = CompiledQuery(_first_current, slots={"event_id": UUIDField()})


def event_questions(event_id: uuid.UUID) -> list[CheckoutQuestion]:
    """The event's current questions in the host's order, with their tiers."""
    if not _ANY.rows(event_id=event_id):
        return []
    qs = _current(event_id).prefetch_related("tiers")
    return list(qs.order_by("sort_order", "created_at", "id"))


def _asks(question: CheckoutQuestion, tier_id: uuid.UUID | None) -> bool:
    tier_ids = {t.id for t in question.tiers.all()}
    return not tier_ids or tier_id is None or tier_id in tier_ids


def questions_asked(event_id: uuid.UUID, tier_id: uuid.UUID | None) -> list[CheckoutQuestion]:
    """The questions someone taking a seat in `tier_id` answers (None: every question)."""
    return [q for q in event_questions(event_id) if _asks(q, tier_id)]


def _invalid(question: CheckoutQuestion, message: str, **details: Any) -> BusinessRuleError:
    return BusinessRuleError(
        message,
        code=EventErrorCode.ANSWER_INVALID,
        details={"question_id": str(question.id), "label": question.label, **details},
    )


def _checked(question: CheckoutQuestion, answer: str | list[str]) -> CheckedAnswer:
    if question.kind == QuestionKind.TEXT:
        if not isinstance(answer, str):
            raise _invalid(question, f"“{question.label}” takes a text answer.")
        text = answer.strip()
        if len(text) > MAX_ANSWER_CHARS:
            raise _invalid(question, f"Answers are at most {MAX_ANSWER_CHARS} characters.")
        return CheckedAnswer(question=question, text=text, selected=[])
    picked = [answer] if isinstance(answer, str) else list(answer)
    picked = [p.strip() for p in picked if p.strip()]
    if question.kind == QuestionKind.CHOICE and len(picked) > 1:
        raise _invalid(question, f"Pick one answer to “{question.label}”.")
    for p in picked:
        if p not in question.choices:
            raise _invalid(question, f"“{p}” is not one of the answers to “{question.label}”.", choice=p)
    return CheckedAnswer(question=question, text="", selected=[c for c in question.choices if c in picked])


def answers_check(
    *, event: Event, user: User, tier: TicketTier | None, answers: list[AnswerGiven] | None
) -> list[CheckedAnswer] | None:
    """Check a person's answers for a seat in `tier`: every answer names a question asked, choices are the
    question's, and every required question is answered now or was before. None (a caller with no way to
    answer: the app's dialect) checks nothing and saves nothing."""
    if answers is None:
        return None
    asked = {q.id: q for q in questions_asked(event.id, tier.id if tier else None)}
    checked: dict[uuid.UUID, CheckedAnswer] = {}
    for given in answers:
        question = asked.get(given.question_id)
        if question is None:
            raise BusinessRuleError(
                "This event does not ask that question.",
                code=EventErrorCode.QUESTION_NOT_ASKED,
                details={"question_id": str(given.question_id)},
            )
        checked[question.id] = _checked(question, given.answer)
    if not asked:
        return list(checked.values())  # empty: no answer was given (or it named a question not asked)
    before = set(
        CheckoutAnswer.objects.filter(user=user, question_id__in=list(asked)).values_list("question_id", flat=True)
    )
    for question in asked.values():
        answer = checked.get(question.id)
        if question.required and (answer.empty if answer else question.id not in before):
            raise BusinessRuleError(
                f"Please answer “{question.label}”.",
                code=EventErrorCode.ANSWER_REQUIRED,
                details={"question_id": str(question.id), "label": question.label},
            )
    return list(checked.values())


# ---------------------------------------------------------------- shown to hosts and buyers


@dataclass(frozen=True)
class Answered:
    """One person's saved answer to one of the event's questions (`schemas.AnswerOut.from_model` shapes it)."""

    question: CheckoutQuestion
    answer: CheckoutAnswer

    @property
    def value(self) -> str | list[str]:
        """Text, the one choice, or the list of choices, as the answer was asked."""
        if self.question.kind == QuestionKind.TEXT:
            return self.answer.text
        if self.question.kind == QuestionKind.CHOICE:
            return self.answer.selected[0] if self.answer.selected else ""
        return list(self.answer.selected)


@dataclass
class AnswerSheet:
    """The answers of some people to an event's current questions, in the host's order."""

    questions: list[CheckoutQuestion]
    by_user: dict[uuid.UUID, dict[uuid.UUID, CheckoutAnswer]]

    def answers(self, user_id: uuid.UUID) -> list[Answered]:
        mine = self.by_user.get(user_id, {})
        return [Answered(question=q, answer=mine[q.id]) for q in self.questions if q.id in mine]

    def missing(self, user_id: uuid.UUID, tier_id: uuid.UUID | None) -> bool:
        """Whether a required question (for this tier) has no answer: given through the app, which cannot ask."""
        mine = self.by_user.get(user_id, {})
        return any(q.required and q.id not in mine for q in self.questions if _asks(q, tier_id))

    def cell(self, user_id: uuid.UUID, question: CheckoutQuestion) -> str:
        answer = self.by_user.get(user_id, {}).get(question.id)
        return answer.display if answer else ""


def answer_sheet(event_id: uuid.UUID, user_ids: list[uuid.UUID] | None) -> AnswerSheet:
    """Two queries however many people: the questions, then their answers (None: everyone's, for the export)."""
    questions = event_questions(event_id)
    by_user: dict[uuid.UUID, dict[uuid.UUID, CheckoutAnswer]] = defaultdict(dict)
    if questions and user_ids != []:
        rows = CheckoutAnswer.objects.filter(question_id__in=[q.id for q in questions])
        if user_ids is not None:
            rows = rows.filter(user_id__in=user_ids)
        for a in rows.iterator(chunk_size=2000):
            by_user[a.user_id][a.question_id] = a
    return AnswerSheet(questions=questions, by_user=dict(by_user))
