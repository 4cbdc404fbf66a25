"""Reading an event's checkout questions for the API: what buyers are asked, and for the host how many answered."""

from __future__ import annotations

import uuid

from django.db.models import Count

from loopin.accounts.models import User
from loopin.events.models import CheckoutQuestion
from loopin.events.question_schemas import QuestionOut
from loopin.events.questions import event_questions
from loopin.events.selectors.access import can_manage, event_for


def questions_visible(*, user: User | None, event_id: uuid.UUID) -> list[QuestionOut]:
    """The questions to show, for whoever may see the event: buyers get the current ones; the host also how
    many answered each."""
    event = event_for(user, event_id)
    manager = user is not None and can_manage(user, event)
    questions = event_questions(event.id)
    counts: dict[uuid.UUID, int] = {}
    if manager:
        rows = CheckoutQuestion.objects.filter(id__in=[q.id for q in questions]).annotate(n=Count("answers"))
        counts = {r.id: r.n for r in rows}
    return [QuestionOut.from_model(q, answer_count=counts.get(q.id, 0) if manager else None) for q in questions]
