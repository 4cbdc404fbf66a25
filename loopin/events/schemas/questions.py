"""Checkout questions' answers: what a buyer sends, what the host reads back."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from loopin.events.questions import Answered, AnswerGiven

AnswerValue = Annotated[
    str | list[Annotated[str, Field(max_length=200)]],
    Field(max_length=2000, description="Text, one choice, or a list of choices (several-choice questions)"),
]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: uuid.UUID
    answer: AnswerValue


ANSWERS_DOC = "Answers to the event's checkout questions (GET /events/{id}/questions); required ones must be here"


def answers_given(answers: list[AnswerIn]) -> list[AnswerGiven]:
    return [AnswerGiven(question_id=a.question_id, answer=a.answer) for a in answers]


class AnswerOut(BaseModel):
    question_id: uuid.UUID
    label: str
    answer: str | list[str]

    @classmethod
    def from_model(cls, answered: Answered) -> AnswerOut:
        """A saved answer as the host reads it, labelled with its question."""
        return cls(question_id=answered.question.id, label=answered.question.label, answer=answered.value)
