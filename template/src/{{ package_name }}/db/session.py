"""The request-scoped session, as a FastAPI dependency, behind a gate sized to the pool."""

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session, sessionmaker

BUSY = (
    "The database is busy: no connection came free within DATABASE_POOL_TIMEOUT seconds. "
    "Retry later; if this lasts, raise DATABASE_POOL_SIZE or add workers."
)


class SessionGate:
    """Let in at most as many requests with a session as the pool has connections.

    Endpoints run on FastAPI's worker threads, and so does the check of their response.
    With more requests than connections on those threads, the threads could all be
    waiting for a connection while the requests that hold the connections wait for a
    thread to finish on: the service would stall until the pool timeout. Requests wait
    here instead, on the event loop, without a thread, for at most the pool timeout.
    """

    def __init__(self, connections: int, timeout: float) -> None:
        self.connections = connections
        self.timeout = timeout
        # One semaphore per event loop: a served app has one loop per process, but tests
        # can serve one app from several loops at once (a TestClient per thread).
        self._slots: RunVar[anyio.Semaphore] = RunVar("db_session_gate")

    @property
    def slots(self) -> anyio.Semaphore:
        """The current event loop's slots."""
        try:
            return self._slots.get()
        except LookupError:
            slots = anyio.Semaphore(self.connections)
            self._slots.set(slots)
            return slots


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, closed (any open transaction rolled back) after it.

    Waiting longer than ``DATABASE_POOL_TIMEOUT`` for a connection answers 503.
    """
    gate: SessionGate = request.app.state.db_gate
    sessions: sessionmaker[Session] = request.app.state.db_sessions
    slots = gate.slots
    with anyio.move_on_after(gate.timeout) as waiting:
        await slots.acquire()
    if waiting.cancelled_caught:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, BUSY, {"Retry-After": "1"})
    try:
        session = sessions()  # it connects on first use, in the endpoint's thread
        try:
            yield session
        finally:
            # On a thread of its own, never queued behind the endpoints' threads; shielded,
            # so that a client that hangs up still gives the connection back.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
    finally:
        slots.release()


DbSession = Annotated[Session, Depends(get_session)]
