"""Account deletion and export: a person's uploads and their files."""

from __future__ import annotations

from typing import Any

from loopin.media.models import Media
from loopin.media.selectors import media_data
from loopin.media.services import media_erase


def erase_media(user: Any) -> None:

    media_erase(media_ids=list(Media.objects.filter(owner=user).values_list("id", flat=True)))


def export_media(user: Any) -> list[dict[str, Any]]:
    return [
        {**media_data(m), "id": str(m.id), "created_at": m.created_at.isoformat()}
        for m in Media.objects.filter(owner=user).order_by("created_at")
    ]
