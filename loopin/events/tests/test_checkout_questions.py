"""Checkout questions: the host's questions (kinds, required, tier scope, order), answers checked and stored with
requests, confirmations and orders, carried to the ticket, shown on the host's lists; the app's dialect is not
blocked by required questions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loopin.core.errors import LoopinError
from loopin.events.models import CheckoutAnswer, CheckoutQuestion, JoinMode, TicketTier
from loopin.events.questions import _ANY, AnswerGiven, event_questions
from loopin.events.selectors.people import event_requests
from loopin.events.services.questions import QuestionInput, question_create, question_retire, question_update
from loopin.participation.attendance import attendance_confirm
from loopin.participation.join_requests import join_request_accept, join_request_create
from loopin.participation.ticket_reads import event_attendees
from loopin.payments.money import to_minor
from loopin.payments.services import order_create
from loopin.payments.services.confirmation import payment_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


def _ask(event, **fields) -> CheckoutQuestion:
    given = {"label": "Dietary needs?", **fields}
    return question_create(actor=event.host, event_id=event.id, data=QuestionInput(**given, given=set(given)))


def _error(call) -> LoopinError:
    with pytest.raises(LoopinError) as exc:
        call()
    return exc.value


def _answers(event, user) -> dict[str, tuple[str, list[str]]]:
    rows = CheckoutAnswer.objects.filter(event=event, user=user).select_related("question")
    return {a.question.label: (a.text, a.selected) for a in rows}


def test_required_text_and_choice_are_checked_and_stored_with_the_ticket(interests):
    event = PublishedEventFactory()
    diet = _ask(event, required=True)
    size = _ask(event, label="T-shirt", kind="choice", choices=["S", "M", "L"], sort_order=1)
    guest = UserWithProfileFactory()

    missing = _error(lambda: attendance_confirm(user=guest, event_id=event.id, answers=[]))
    assert (missing.code, missing.status, missing.details) == (
        "ANSWER_REQUIRED",
        400,
        {"question_id": str(diet.id), "label": "Dietary needs?"},
    )
    bad = _error(
        lambda: attendance_confirm(
            user=guest,
            event_id=event.id,
            answers=[AnswerGiven(diet.id, "vegan"), AnswerGiven(size.id, "XXL")],
        )
    )
    assert (bad.code, bad.details) == (
        "ANSWER_INVALID",
        {"question_id": str(size.id), "label": "T-shirt", "choice": "XXL"},
    )
    two = _error(
        lambda: attendance_confirm(
            user=guest, event_id=event.id, answers=[AnswerGiven(diet.id, "x"), AnswerGiven(size.id, ["S", "M"])]
        )
    )
    assert two.code == "ANSWER_INVALID"
    assert CheckoutAnswer.objects.count() == 0  # refusals store nothing

    ticket = attendance_confirm(
        user=guest, event_id=event.id, answers=[AnswerGiven(diet.id, "  vegan "), AnswerGiven(size.id, "M")]
    )
    assert _answers(event, guest) == {"Dietary needs?": ("vegan", []), "T-shirt": ("", ["M"])}
    assert set(CheckoutAnswer.objects.filter(user=guest).values_list("ticket_id", flat=True)) == {ticket.id}


def test_an_unknown_question_or_one_of_another_tier_is_refused(interests):
    event = PublishedEventFactory()
    vip = TicketTier.objects.create(event=event, name="VIP", price=Decimal("0"))
    vip_only = _ask(event, label="Table name", tier_ids=[vip.id], required=True)
    other = _ask(PublishedEventFactory(), label="Elsewhere")
    guest = UserWithProfileFactory()

    wrong = _error(lambda: attendance_confirm(user=guest, event_id=event.id, answers=[AnswerGiven(other.id, "x")]))
    assert (wrong.code, wrong.details) == ("QUESTION_NOT_ASKED", {"question_id": str(other.id)})
    # the default tier does not ask the VIP question, so it is neither required nor accepted there
    scoped = _error(lambda: attendance_confirm(user=guest, event_id=event.id, answers=[AnswerGiven(vip_only.id, "x")]))
    assert scoped.code == "QUESTION_NOT_ASKED"
    attendance_confirm(user=guest, event_id=event.id, answers=[])
    required = _error(
        lambda: attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, tier_id=vip.id, answers=[])
    )
    assert (required.code, required.details["question_id"]) == ("ANSWER_REQUIRED", str(vip_only.id))


def test_several_choices_keep_the_questions_order(interests):
    event = PublishedEventFactory()
    music = _ask(event, label="Music", kind="multi_choice", choices=["Jazz", "Rock", "Folk"], required=True)
    guest = UserWithProfileFactory()
    empty = _error(lambda: attendance_confirm(user=guest, event_id=event.id, answers=[AnswerGiven(music.id, [])]))
    assert empty.code == "ANSWER_REQUIRED"
    attendance_confirm(user=guest, event_id=event.id, answers=[AnswerGiven(music.id, ["Folk", "Jazz", "Folk"])])
    assert _answers(event, guest) == {"Music": ("", ["Jazz", "Folk"])}


def test_request_answers_carry_over_to_the_ticket_and_show_to_the_host(interests):
    event = PublishedEventFactory(join_mode=JoinMode.APPROVAL)
    why = _ask(event, label="Why join?", required=True)
    guest = UserWithProfileFactory()
    req = join_request_create(user=guest, event_id=event.id, answers=[AnswerGiven(why.id, "I love jazz")])
    rows, total = event_requests(user=event.host, event_id=event.id, status=None, offset=0, limit=10)
    assert (total, [a.model_dump() for a in rows[0].answers], rows[0].answers_missing) == (
        1,
        [{"question_id": why.id, "label": "Why join?", "answer": "I love jazz"}],
        False,
    )
    join_request_accept(host=event.host, event_id=event.id, request_id=req.id)
    ticket = attendance_confirm(user=guest, event_id=event.id, answers=[])  # answered with the request
    answer = CheckoutAnswer.objects.get(user=guest)
    assert (answer.join_request_id, answer.ticket_id) == (req.id, ticket.id)
    rows, _ = event_attendees(user=event.host, event_id=event.id, offset=0, limit=10)
    assert [a.model_dump() for a in rows[0].answers or []] == [
        {"question_id": why.id, "label": "Why join?", "answer": "I love jazz"}
    ]


def test_answers_given_with_an_order_reach_the_ticket_once_paid(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("300.00"))
    name = _ask(event, label="Name on the list", required=True)
    buyer = UserWithProfileFactory()
    refused = _error(lambda: order_create(user=buyer, event_id=event.id, answers=[]))
    assert refused.code == "ANSWER_REQUIRED"
    event.refresh_from_db()
    assert event.seats_taken == 0
    order = order_create(user=buyer, event_id=event.id, answers=[AnswerGiven(name.id, "Asha K")])
    answer = CheckoutAnswer.objects.get(user=buyer)
    assert (answer.order_id, answer.ticket_id, answer.text) == (order.id, None, "Asha K")
    payment_confirm(
        order_id=order.id,
        payment_id=f"pay_{order.id.hex}",
        provider="sandbox",
        amount_minor=to_minor(order.total, order.currency),
        currency=order.currency,
    )
    answer.refresh_from_db()
    assert answer.ticket is not None
    assert (answer.ticket.user_id, answer.ticket.status, answer.ticket.source) == (buyer.id, "valid", "purchase")


def test_an_answered_question_keeps_its_kind_and_picked_choices_and_removing_hides_it(interests):
    event = PublishedEventFactory()
    size = _ask(event, label="T-shirt", kind="choice", choices=["S", "M", "L"])
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, answers=[AnswerGiven(size.id, "M")])

    def change(**fields):
        return question_update(
            actor=event.host, event_id=event.id, question_id=size.id, data=QuestionInput(**fields, given=set(fields))
        )

    assert _error(lambda: change(kind="text", choices=[])).code == "QUESTION_HAS_ANSWERS"
    dropped = _error(lambda: change(choices=["S", "L"]))
    assert (dropped.code, dropped.status, dropped.details) == ("QUESTION_HAS_ANSWERS", 409, {"choices": ["M"]})
    assert change(choices=["S", "M", "L", "XL"], required=True).choices == ["S", "M", "L", "XL"]
    question_retire(actor=event.host, event_id=event.id, question_id=size.id)
    assert CheckoutAnswer.objects.filter(question=size).count() == 1  # kept on record
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id, answers=[])  # no longer asked
    gone = _error(lambda: change(label="again"))
    assert (gone.code, gone.status) == ("QUESTION_NOT_FOUND", 404)


def test_only_the_host_manages_questions_and_choices_are_validated(interests):
    event = PublishedEventFactory()
    stranger = UserWithProfileFactory()
    data = QuestionInput(label="x", given={"label"})
    assert _error(lambda: question_create(actor=stranger, event_id=event.id, data=data)).code == "NOT_EVENT_HOST"
    few = _error(lambda: _ask(event, kind="choice", choices=["only", " only "]))
    assert (few.code, few.details["fields"]) == (
        "VALIDATION_ERROR",
        [
            {
                "field": "choices",
                "code": "CHOICES_NEEDED",
                "message": "A choice question needs 2 to 50 different choices.",
            }
        ],
    )


def test_questions_over_http_and_the_app_dialect_is_not_blocked(api, interests):
    event = PublishedEventFactory(join_mode=JoinMode.APPROVAL)
    host = token_for(event.host)
    r = api.post(
        f"/api/v2/events/{event.id}/questions",
        json={"label": "Instagram handle", "required": True},
        headers=host,
    )
    assert r.status_code == 201, r.text
    q = r.json()["data"]
    assert (q["kind"], q["required"], q["tier_ids"], q["answer_count"]) == ("text", True, [], None)

    guest = UserWithProfileFactory()
    public = api.get(f"/api/v2/events/{event.id}/questions", headers=token_for(guest)).json()["data"]
    assert [(x["label"], x["answer_count"]) for x in public] == [("Instagram handle", None)]

    r = api.post(f"/api/v2/events/{event.id}/requests", json={}, headers=token_for(guest))
    assert (r.status_code, r.json()["error_code"], r.json()["details"]["question_id"]) == (
        400,
        "ANSWER_REQUIRED",
        q["id"],
    )
    # The app has no field for answers: its request goes through, and the host sees the answer missing.
    r = api.post(f"/api/events/{event.number}/requests", json={"message": "hi"}, headers=token_for(guest))
    assert r.status_code == 201, r.text
    listed = api.get(f"/api/v2/events/{event.id}/requests", headers=host).json()["data"]
    assert (listed[0]["answers"], listed[0]["answers_missing"]) == ([], True)
    # ...until the guest answers later.
    r = api.put(
        f"/api/v2/events/{event.id}/answers/me",
        json={"answers": [{"question_id": q["id"], "answer": "@asha"}]},
        headers=token_for(guest),
    )
    assert r.status_code == 200, r.text
    listed = api.get(f"/api/v2/events/{event.id}/requests", headers=host).json()["data"]
    assert (listed[0]["answers"], listed[0]["answers_missing"]) == (
        [{"question_id": q["id"], "label": "Instagram handle", "answer": "@asha"}],
        False,
    )
    hosts_view = api.get(f"/api/v2/events/{event.id}/questions", headers=host).json()["data"]
    assert hosts_view[0]["answer_count"] == 1
    r = api.patch(
        f"/api/v2/events/{event.id}/questions/{q['id']}", json={"kind": "choice", "choices": ["a", "b"]}, headers=host
    )
    assert (r.status_code, r.json()["error_code"]) == (409, "QUESTION_HAS_ANSWERS")
    assert api.delete(f"/api/v2/events/{event.id}/questions/{q['id']}", headers=host).status_code == 200
    assert api.get(f"/api/v2/events/{event.id}/questions", headers=host).json()["data"] == []


def test_an_event_asks_exactly_its_current_questions_and_the_compiled_check_agrees(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"))
    other = PublishedEventFactory()
    assert event_questions(event.id) == []
    assert _ANY.rows(event_id=event.id) == _ANY.rows_orm(event_id=event.id) == []
    retired = _ask(event, label="Old question?")
    question_retire(actor=event.host, event_id=event.id, question_id=retired.id)
    _ask(other, label="Another event's?")
    assert event_questions(event.id) == []  # a retired one, and another event's, are not asked
    assert _ANY.rows(event_id=event.id) == _ANY.rows_orm(event_id=event.id) == []
    first = _ask(event, label="T-shirt size?", sort_order=1, required=True)
    second = _ask(event, label="Dietary needs?", sort_order=2)
    assert [q.id for q in event_questions(event.id)] == [first.id, second.id]
    assert _ANY.rows(event_id=event.id) == _ANY.rows_orm(event_id=event.id)
    assert len(_ANY.rows(event_id=event.id)) == 1
    buyer = UserWithProfileFactory()
    refused = _error(lambda: order_create(user=buyer, event_id=event.id, answers=[]))
    assert refused.code == "ANSWER_REQUIRED" and refused.details["label"] == "T-shirt size?"
