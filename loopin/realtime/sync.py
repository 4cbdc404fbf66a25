"""The caller of a socket handler, resolved to a User on the handler's worker thread (one query)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model

from loopin.accounts.error_codes import AccountErrorCode
from loopin.core.errors import NotAuthenticated
from loopin.core.sync import Resolvable


class SocketCaller(Resolvable):
    def __init__(self, user_id: uuid.UUID) -> None:
        self.user_id = user_id

    def resolve(self) -> Any:
        user = get_user_model().objects.filter(id=self.user_id).first()
        if user is None or not user.is_active or user.is_suspended or user.deleted_at is not None:
            raise NotAuthenticated("This account can no longer use the chat.", code=AccountErrorCode.ACCOUNT_DISABLED)
        return user
