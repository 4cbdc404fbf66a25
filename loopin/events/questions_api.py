"""Checkout questions over HTTP: buyers read what they will be asked; hosts add, change and remove questions;
a guest answers later (after asking or buying through the app). Mounted on the events prefix."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loopin.core.auth import CurrentUser, OptionalUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.question_schemas import AnswersIn, QuestionIn, QuestionOut, QuestionUpdateIn
from loopin.events.schemas import answers_given
from loopin.events.selectors.questions import questions_visible
from loopin.events.services.questions import (
    QuestionInput,
    answers_give,
    question_create,
    question_retire,
    question_update,
)

if TYPE_CHECKING:
    from loopin.accounts.models import User

router = APIRouter(prefix="/api/v2/events", tags=["checkout questions"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)


def _input(body: QuestionIn | QuestionUpdateIn) -> QuestionInput:
    given = body.model_dump(exclude_unset=True)
    return QuestionInput(**given, given=set(given))


def question_create_and_read(*, user: User, event_id: uuid.UUID, data: QuestionInput) -> QuestionOut:
    """Ask a question, then read it back."""
    return QuestionOut.from_model(question_create(actor=user, event_id=event_id, data=data))


def question_update_and_read(
    *, user: User, event_id: uuid.UUID, question_id: uuid.UUID, data: QuestionInput
) -> QuestionOut:
    """Change a question, then read it back."""
    question = question_update(actor=user, event_id=event_id, question_id=question_id, data=data)
    return QuestionOut.from_model(question)


@router.get("/{event_id}/questions", response_model=Envelope[list[QuestionOut]], responses=error_responses(404, 422))
async def questions_list(event_id: uuid.UUID, caller: OptionalUser) -> dict[str, Any]:
    """The event's checkout questions, in order (each names the tiers it is asked for; empty: all)."""
    return ok(await run_sync(questions_visible, user=caller, event_id=event_id), "Checkout questions")


@router.post(
    "/{event_id}/questions",
    response_model=Envelope[QuestionOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def questions_create(event_id: uuid.UUID, body: QuestionIn, caller: CurrentUser) -> dict[str, Any]:
    """Ask a checkout question (host)."""
    data = await run_sync(question_create_and_read, user=caller, event_id=event_id, data=_input(body))
    return ok(data, "Question added")


@router.patch(
    "/{event_id}/questions/{question_id}",
    response_model=Envelope[QuestionOut],
    responses=error_responses(*ANY_ERROR),
)
async def questions_update(
    event_id: uuid.UUID, question_id: uuid.UUID, body: QuestionUpdateIn, caller: CurrentUser
) -> dict[str, Any]:
    """Change a question (host); once answered its kind and the picked choices stay (409 QUESTION_HAS_ANSWERS)."""
    data = await run_sync(
        question_update_and_read, user=caller, event_id=event_id, question_id=question_id, data=_input(body)
    )
    return ok(data, "Question updated")


@router.delete(
    "/{event_id}/questions/{question_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR)
)
async def questions_delete(event_id: uuid.UUID, question_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a question (host): no longer asked or shown; answers given stay on record."""
    await run_sync(question_retire, actor=caller, event_id=event_id, question_id=question_id)
    return ok(None, "Question removed")


@router.put("/{event_id}/answers/me", response_model=Envelope[None], responses=error_responses(*ANY_ERROR))
async def answers_mine(event_id: uuid.UUID, body: AnswersIn, caller: CurrentUser) -> dict[str, Any]:
    """Answer the checkout questions after asking, confirming or buying (e.g. through the app)."""
    await run_sync(answers_give, user=caller, event_id=event_id, answers=answers_given(body.answers))
    return ok(None, "Answers saved")
