"""Which errors are worth a retry, and how long to wait before the next attempt."""

import random

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class TransientError(Exception):
    """Raise this from a task when the same call may succeed later (a busy or down peer)."""


# Errors that say "try again later". Anything else (a bug, bad input) fails the task at once:
# retrying cannot fix it and would only delay the alert.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
)


JITTER = random.SystemRandom()


def backoff_delay(
    retries: int, *, base: float, maximum: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait before retry number ``retries + 1``: exponential, with full jitter.

    The ceiling doubles with each retry (``base``, ``2 * base``, ``4 * base``...) up to
    ``maximum``; the delay is drawn uniformly below it, so workers that failed together do
    not all come back at the same moment.
    """
    ceiling = min(maximum, base * 2 ** min(retries, 62))
    return (rng or JITTER).uniform(0, ceiling)
