"""Real-thread races for concurrency tests: every call starts at the same instant (a barrier).

Each thread closes its own database connection when done, as a request thread would. Use with
`@pytest.mark.django_db(transaction=True)` (or the `transactional_db` fixture) so threads see committed rows.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence

from django.db import connections

from loopin.core.errors import LoopinError


def run_at_once(calls: Sequence[Callable[[], object]]) -> list[object]:
    """Run every call in its own thread at once; each call's result, or the exception it raised, in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def outcomes(calls: Sequence[Callable[[], object]]) -> Counter:
    """Race the calls and count "ok" and each LoopinError code; any other exception fails the test."""
    counted: Counter = Counter()
    for result in run_at_once(calls):
        if isinstance(result, LoopinError):
            counted[result.code] += 1
        elif isinstance(result, Exception):
            raise result
        else:
            counted["ok"] += 1
    return counted
