"""The request-scoped session, as a FastAPI dependency."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, closed (and any open transaction rolled back) after it."""
    sessions: sessionmaker[Session] = request.app.state.db_sessions
    with sessions() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]
