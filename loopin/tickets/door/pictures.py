"""Door screens show each person's first profile picture: annotate a list with it, or read one."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import OuterRef, Subquery

from loopin.accounts.models import ProfilePicture
from loopin.core.images import image_public_url


def with_pictures(queryset: Any, user_ref: str) -> Any:
    """Annotate each row with its person's first picture (no query per row)."""
    first = ProfilePicture.objects.filter(user_id=OuterRef(user_ref)).order_by("position", "created_at")
    return queryset.annotate(
        picture_url=Subquery(first.values("url")[:1]), picture_file=Subquery(first.values("image")[:1])
    )


def annotated_picture(row: Any) -> str | None:
    """The picture `with_pictures` annotated on a row, as a public URL."""
    if not (row.picture_url or row.picture_file):
        return None
    return image_public_url(row.picture_url or "", row.picture_file or "")


def first_picture(user_id: uuid.UUID) -> str | None:
    picture = ProfilePicture.objects.filter(user_id=user_id).order_by("position", "created_at").first()
    return picture.public_url if picture else None
