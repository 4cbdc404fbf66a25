"""Thin tasks: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="chat.push_offline", ignore_result=True)
def chat_push_offline(message_id: str) -> int:
    """Push a new message to the members who are not connected."""
    from loopin.chat.services.push import message_push_offline

    return message_push_offline(message_id=message_id)


@shared_task(name="chat.event_opened", ignore_result=True)
def chat_event_opened(event_id: str) -> None:
    from loopin.chat.services.groups import event_chat_open

    event_chat_open(event_id=event_id)
