"""The guest list as CSV and XLSX (columns, answers, formula-safe cells, phone numbers only to whom they are
visible, audited) and the import of a CSV of phone numbers (preview errors, then exactly the valid
invitations, once)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from loopin.accounts.sms import get_sms_backend
from loopin.audit.models import AuditEntry
from loopin.core.errors import LoopinError
from loopin.events.models import Invitation, InvitationStatus, PhoneInvitation
from loopin.events.questions import AnswerGiven
from loopin.events.services.questions import QuestionInput, question_create
from loopin.participation.attendance import attendance_confirm
from loopin.participation.guest_list import (
    MAX_IMPORT_ROWS,
    guest_import_confirm,
    guest_import_preview,
    guest_list_export,
)
from loopin.participation.invitations import invitations_create
from loopin.people.models import PersonProfile
from loopin.people.services.blocks import block_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

NEW_A = "+916205829376"
NEW_B = "+916205829377"


def _ask(event, **fields):
    return question_create(actor=event.host, event_id=event.id, data=QuestionInput(**fields, given=set(fields)))


def _party():
    """An event with a question, two guests (one checked in, one whose answer is a formula) and a handle."""
    event = PublishedEventFactory(canonical_id="ev900001")
    diet = _ask(event, label="Dietary needs?", required=True)
    asha = UserWithProfileFactory(name="Asha Rao", phone_number="+919800000101")
    PersonProfile.objects.update_or_create(user=asha, defaults={"handle": "asha"})
    mallory = UserWithProfileFactory(name='=HYPERLINK("http://x")', phone_number="+919800000102")
    t1 = attendance_confirm(user=asha, event_id=event.id, answers=[AnswerGiven(diet.id, "vegan")])
    attendance_confirm(user=mallory, event_id=event.id, answers=[AnswerGiven(diet.id, "@SUM(1+1)")])
    Ticket.objects.filter(id=t1.id).update(checked_in_at=datetime(2026, 12, 20, 14, 5, 0, tzinfo=UTC))
    return event, t1


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_has_every_column_and_answers_and_no_cell_is_a_formula(interests):
    event, t1 = _party()
    t2 = Ticket.objects.exclude(id=t1.id).get(event=event)
    f = guest_list_export(user=event.host, event_id=event.id, file_format="csv")
    assert (f.filename, f.media_type) == ("guests-ev900001.csv", "text/csv; charset=utf-8")
    assert _csv_rows(f.content) == [
        ["Name", "Handle", "Phone", "Tier", "Status", "Seats", "Checked in at (UTC)", "Ticket code", "Dietary needs?"],
        [
            "Asha Rao",
            "asha",
            "'+919800000101",
            "General admission",
            "valid",
            "1",
            "2026-12-20 14:05:00",
            t1.code,
            "vegan",
        ],
        [
            '\'=HYPERLINK("http://x")',
            "",
            "'+919800000102",
            "General admission",
            "valid",
            "1",
            "",
            t2.code,
            "'@SUM(1+1)",
        ],
    ]
    entry = AuditEntry.objects.get(action="guest_list.exported")
    assert entry.data == {"format": "csv", "rows": 2, "phones": True}


def test_the_xlsx_opens_with_typed_cells_and_text_never_becomes_a_formula(interests):
    event, t1 = _party()
    f = guest_list_export(user=event.host, event_id=event.id, file_format="xlsx")
    ws = load_workbook(io.BytesIO(f.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "Name", "Handle", "Phone", "Tier", "Status", "Seats", "Checked in at (UTC)", "Ticket code", "Dietary needs?",
    )  # fmt: skip
    assert rows[1] == (
        "Asha Rao", "asha", "+919800000101", "General admission", "valid", 1, datetime(2026, 12, 20, 14, 5),
        t1.code, "vegan",
    )  # fmt: skip
    assert (ws["A3"].value, ws["A3"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert (ws["I3"].value, ws["I3"].data_type) == ("@SUM(1+1)", "s")
    assert len(rows) == 3


def test_phone_numbers_only_to_staff_allowed_to_view_users_and_strangers_get_nothing(interests):
    event, _ = _party()
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_event", "view_ticket"]))
    header = _csv_rows(guest_list_export(user=staff, event_id=event.id, file_format="csv").content)[0]
    assert "Phone" not in header and header[:3] == ["Name", "Handle", "Tier"]
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_event", "view_ticket", "view_user"]))
    assert "Phone" in _csv_rows(guest_list_export(user=staff, event_id=event.id, file_format="csv").content)[0]
    with pytest.raises(LoopinError) as exc:
        guest_list_export(user=UserWithProfileFactory(), event_id=event.id, file_format="csv")
    assert exc.value.code == "NOT_EVENT_HOST"


def test_the_export_over_http(api, interests):
    event, _ = _party()
    host = token_for(event.host)
    r = api.get(f"/api/v2/events/{event.id}/guests.csv", headers=host)
    assert (r.status_code, r.headers["content-disposition"]) == (200, 'attachment; filename="guests-ev900001.csv"')
    assert len(_csv_rows(r.content)) == 3
    r = api.get(f"/api/v2/events/{event.id}/guests/export?format=xlsx", headers=host)
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(r.content)).active.max_row == 3
    r = api.get(f"/api/v2/events/{event.id}/guests.xlsx", headers=token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")


# ---------------------------------------------------------------- import


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_the_preview_names_each_rows_problem_and_sends_nothing(interests):
    event = PublishedEventFactory()
    host = event.host
    holder = UserWithProfileFactory(phone_number="+919800000201")
    attendance_confirm(user=holder, event_id=event.id)
    invitee = UserWithProfileFactory(phone_number="+919800000202")
    invitations_create(host=host, event_id=event.id, user_ids=[invitee.id])
    blocked = UserWithProfileFactory(phone_number="+919800000203")
    block_create(user=host, blocked_id=blocked.id)
    blocker = UserWithProfileFactory(phone_number="+919800000204")  # blocked the host: looks fine here
    block_create(user=blocker, blocked_id=host.id)
    preview = guest_import_preview(
        host=host,
        event_id=event.id,
        content=_csv(
            "Name,Phone",
            f"Anu,{NEW_A}",
            "Bad,12ab",
            f"Again,{NEW_A[:3]} {NEW_A[3:8]} {NEW_A[8:]}",
            ",",
            "Holder,+91 98000 00201",
            "Invitee,9800000202",
            "Blocked,+919800000203",
            "Blocker,+919800000204",
            f"Me,{host.phone_number}",
            f"Bee,{NEW_B}",
        ),
    )
    assert [(r.row, r.phone, r.name, r.error) for r in preview.rows] == [
        (2, NEW_A, "Anu", None),
        (3, None, "Bad", "invalid_number"),
        (4, NEW_A, "Again", "duplicate_in_file"),
        (6, "+919800000201", "Holder", "has_ticket"),
        (7, "+919800000202", "Invitee", "already_invited"),
        (8, "+919800000203", "Blocked", "blocked"),
        (9, "+919800000204", "Blocker", None),
        (10, host.phone_number, "Me", "own_number"),
        (11, NEW_B, "Bee", None),
    ]
    assert preview.valid == 3
    assert PhoneInvitation.objects.count() == 0
    assert get_sms_backend().outbox == []


def test_confirm_invites_exactly_the_valid_rows_once(interests):
    event = PublishedEventFactory()
    friend = UserWithProfileFactory(phone_number="+919800000301")
    preview = guest_import_preview(
        host=event.host, event_id=event.id, content=_csv(NEW_A, "not a number", "+919800000301", NEW_B)
    )
    assert [r.error for r in preview.rows] == [None, "invalid_number", None, None]
    first = guest_import_confirm(host=event.host, event_id=event.id, token=preview.token)
    again = guest_import_confirm(host=event.host, event_id=event.id, token=preview.token)
    assert (first.invited, again.invited) == (3, 3)
    assert sorted(PhoneInvitation.objects.filter(event=event).values_list("phone_number", flat=True)) == [NEW_A, NEW_B]
    assert list(Invitation.objects.filter(event=event).values_list("invitee_id", "status")) == [
        (friend.id, InvitationStatus.PENDING)
    ]
    assert sorted(m.to for m in get_sms_backend().outbox) == [NEW_A, NEW_B]
    # previewing the same file again now flags every number as invited
    again_preview = guest_import_preview(host=event.host, event_id=event.id, content=_csv(NEW_A, "+919800000301"))
    assert [r.error for r in again_preview.rows] == ["already_invited", "already_invited"]


def test_another_host_or_an_unknown_token_cannot_confirm_and_limits_hold(interests):
    event = PublishedEventFactory()
    preview = guest_import_preview(host=event.host, event_id=event.id, content=_csv(NEW_A))
    for call in (
        lambda: guest_import_confirm(host=event.host, event_id=event.id, token="x" * 32),
        lambda: guest_import_confirm(
            host=event.host, event_id=PublishedEventFactory(host=event.host).id, token=preview.token
        ),
    ):
        with pytest.raises(LoopinError) as exc:
            call()
        assert (exc.value.code, exc.value.status) == ("GUEST_IMPORT_NOT_FOUND", 404)
    with pytest.raises(LoopinError) as exc:
        guest_import_confirm(host=UserWithProfileFactory(), event_id=event.id, token=preview.token)
    assert exc.value.code == "NOT_EVENT_HOST"
    rows = _csv(*(f"+9198{n:08d}" for n in range(MAX_IMPORT_ROWS + 1)))
    with pytest.raises(LoopinError) as exc:
        guest_import_preview(host=event.host, event_id=event.id, content=rows)
    assert (exc.value.code, exc.value.status) == ("GUEST_IMPORT_TOO_LARGE", 413)
    with pytest.raises(LoopinError) as exc:
        guest_import_preview(host=event.host, event_id=event.id, content=b"\xff\xfe\x00bad")
    assert exc.value.code == "GUEST_IMPORT_UNREADABLE"
    assert PhoneInvitation.objects.count() == 0


def test_the_import_over_http(api, interests):
    event = PublishedEventFactory()
    host = token_for(event.host)
    r = api.post(
        f"/api/v2/events/{event.id}/guests/import",
        files={"file": ("guests.csv", _csv("phone,name", f"{NEW_A},Anu", "oops,Bad"), "text/csv")},
        headers=host,
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["valid"], [(x["phone"], x["error"]) for x in data["rows"]]) == (
        1,
        [(NEW_A, None), (None, "invalid_number")],
    )
    r = api.post(f"/api/v2/events/{event.id}/guests/import/confirm", json={"token": data["token"]}, headers=host)
    assert (r.status_code, r.json()["data"]) == (200, {"invited": 1})
    big = b"+916205829376\n" * 20000
    r = api.post(f"/api/v2/events/{event.id}/guests/import", files={"file": ("g.csv", big, "text/csv")}, headers=host)
    assert (r.status_code, r.json()["error_code"]) == (413, "GUEST_IMPORT_TOO_LARGE")
