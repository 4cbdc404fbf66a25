"""Request and response shapes of checkout questions (`/api/v2/events/{id}/questions`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from loopin.core.choices import choices_literal
from loopin.events.models import CheckoutQuestion, QuestionKind
from loopin.events.schemas import AnswerIn

if TYPE_CHECKING:  # mypy reads the values as plain strings; pydantic and OpenAPI see the Literal
    QuestionKindName = str
else:
    QuestionKindName = choices_literal(QuestionKind)
Choice = Annotated[str, Field(min_length=1, max_length=200)]


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=300)
    hint: str = Field(default="", max_length=500)
    kind: QuestionKindName = "text"
    choices: list[Choice] = Field(default_factory=list, max_length=50, description="2 to 50 for a choice question")
    required: bool = False
    tier_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50, description="Empty: every tier")
    sort_order: int = Field(default=0, ge=0, le=1000)


class QuestionUpdateIn(BaseModel):
    """Only the fields sent change. Once answered, the kind and the choices people picked stay."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, min_length=1, max_length=300)
    hint: str | None = Field(default=None, max_length=500)
    kind: QuestionKindName | None = None
    choices: list[Choice] | None = Field(default=None, max_length=50)
    required: bool | None = None
    tier_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
    sort_order: int | None = Field(default=None, ge=0, le=1000)


class QuestionOut(BaseModel):
    id: uuid.UUID
    label: str
    hint: str | None
    kind: QuestionKindName
    choices: list[str]
    required: bool
    tier_ids: list[uuid.UUID] = Field(description="Asked only for these tiers; empty: every tier")
    sort_order: int
    answer_count: int | None = Field(description="How many answered (to the host; null to buyers)")

    @classmethod
    def from_model(cls, question: CheckoutQuestion, *, answer_count: int | None = None) -> QuestionOut:
        """A question (its tiers prefetched); `answer_count` only for the host."""
        return cls(
            id=question.id,
            label=question.label,
            hint=question.hint or None,
            kind=question.kind,
            choices=list(question.choices),
            required=question.required,
            tier_ids=sorted((t.id for t in question.tiers.all()), key=str),
            sort_order=question.sort_order,
            answer_count=answer_count,
        )


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[AnswerIn] = Field(min_length=1, max_length=30)
