"""Account deletion and export: a person's uploads and their files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loopin.media.models import Media
from loopin.media.selectors import media_data
from loopin.media.services import media_erase

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_media(user: User) -> None:

    media_erase(media_ids=list(Media.objects.filter(owner=user).values_list("id", flat=True)))


def export_media(user: User) -> list[dict[str, Any]]:
    return [
        {**media_data(m), "id": str(m.id), "created_at": m.created_at.isoformat()}
        for m in Media.objects.filter(owner=user).order_by("created_at")
    ]
