"""Kombu's Redis transport with one fix: a dead connection's cleanup raises a connection error, not AttributeError.

Why (issue 11, defect 4; celery/kombu 5.7.0, redis-py 8.1.0): when Redis drops while the worker holds
unacknowledged messages (`task_acks_late`), the consumer's `on_connection_error_after_connected` first calls
`Connection.collect()`, which sets the transport's `client` to None but keeps the connection's default
channel, then `connection.close()`, which closes that channel a second time. Closing restores the unacked
messages, which needs a Redis client, which needs `_connparams()`, which reads `self.connection.client.hostname`
-> `AttributeError("'NoneType' object has no attribute 'hostname'")`. `ignore_errors` and `maybe_close_channel`
only swallow the transport's connection errors, so the AttributeError escapes the consumer and the worker exits
("Unrecoverable error", exit 1). The same read fails when Gossip, the Hub or the pidbox are stopped after it.

Here a channel whose transport has lost its client raises redis' ConnectionError instead: the cleanup swallows
it, the consumer reconnects as it does for any outage, and the messages that could not be restored stay in
Redis' unacked set, from where kombu gives them back after `visibility_timeout` (loopin.config.celery).
Reproduced and guarded by `faults/test_worker.py`.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> Any:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed (kombu collected its transport)")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
