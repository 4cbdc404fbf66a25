"""`core.expressions.JSONList`: a subquery's rows as one JSON array in each outer row, in the subquery's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db.models import OuterRef
from django.db.models.functions import JSONArray

from loopin.accounts.models import ProfilePicture, User
from loopin.core.expressions import JSONList
from loopin.testing.factories import NewUserFactory

pytestmark = pytest.mark.django_db


def _pictures_of(users: list[User], *order: str) -> list[Any]:
    pictures = ProfilePicture.objects.filter(user_id=OuterRef("id")).order_by(*order)
    listed = User.objects.filter(id__in=[u.id for u in users]).annotate(
        listed=JSONList(pictures.values(pair=JSONArray("position", "url")))
    )
    found = dict(listed.values_list("id", "listed"))
    return [found[u.id] for u in users]


def test_each_row_holds_its_rows_in_the_subquerys_order_and_none_as_an_empty_list():
    nobody, one, several = NewUserFactory(), NewUserFactory(), NewUserFactory()
    ProfilePicture.objects.create(user=one, position=3, url="https://a.example/only.jpg")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = [  # (position, url, minutes after start): made in neither order below, a tie on position 0
        (2, 'https://a.example/"quoted"\\back.jpg', 0),
        (0, "https://a.example/été-later.jpg", 5),
        (1, "https://a.example/middle.jpg", 1),
        (0, "https://a.example/earlier.jpg", 2),
    ]
    for position, url, minutes in made:
        picture = ProfilePicture.objects.create(user=several, position=position, url=url)
        ProfilePicture.objects.filter(id=picture.id).update(created_at=start + timedelta(minutes=minutes))

    assert _pictures_of([nobody, one, several], "position", "created_at") == [
        [],
        [[3, "https://a.example/only.jpg"]],
        [
            [0, "https://a.example/earlier.jpg"],
            [0, "https://a.example/été-later.jpg"],
            [1, "https://a.example/middle.jpg"],
            [2, 'https://a.example/"quoted"\\back.jpg'],
        ],
    ]
    assert _pictures_of([several], "-created_at")[0] == [
        [0, "https://a.example/été-later.jpg"],
        [0, "https://a.example/earlier.jpg"],
        [1, "https://a.example/middle.jpg"],
        [2, 'https://a.example/"quoted"\\back.jpg'],
    ]


def test_a_list_reads_one_column():
    pictures = ProfilePicture.objects.filter(user_id=OuterRef("id")).values("position", "url")
    with pytest.raises(TypeError, match="one column"):
        JSONList(pictures)
