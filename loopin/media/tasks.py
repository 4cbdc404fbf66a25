"""Thin tasks: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.media.worker import media_delete_orphans, media_process_video


@shared_task(name="media.process_video", ignore_result=True, acks_late=True)
def process_video(media_id: str) -> str:
    """Transcode an uploaded video to H.264/AAC and make its poster."""
    return media_process_video(media_id=media_id)


@shared_task(name="media.delete_orphans", ignore_result=True)
def delete_orphans() -> int:
    """Delete uploads nothing took within a day (beat: hourly)."""
    return media_delete_orphans()
