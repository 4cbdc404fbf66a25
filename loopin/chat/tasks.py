"""Thin tasks: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.chat.services.push import message_push_offline


@shared_task(name="chat.push_offline", ignore_result=True)
def chat_push_offline(message_id: str) -> int:
    """Push a new message to the members who are not connected."""
    return message_push_offline(message_id=message_id)
