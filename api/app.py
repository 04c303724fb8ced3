"""The API application: which desk answers each channel, who is calling, how fast they may.

`create_app(desk)` builds it on a desk's database; `pms api serve` runs it under uvicorn. Every
call runs one `pms` service in one transaction of a desk acting as the channel
(`api:<channel>`, a clerk's rights), so the audit log names the channel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, FastAPI, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api import errors
from api.limits import KEY_CACHE_SECONDS, KeyCache, RateLimiter
from api.metrics import Metrics, MetricsMiddleware
from pms.channels.keys import ChannelAccess, authenticate
from pms.kernel.desk import Desk

P = ParamSpec("P")
T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="The channel's API key (`pms api key add`).")


class TooManyRequests(Exception):
    """The key used up its rate limit; `retry_after` seconds until its next request."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limit reached; retry in {retry_after} s")
        self.retry_after = retry_after


class ApiState:
    """What the running API holds: a desk per channel on one engine, the key cache, the limits."""

    def __init__(self, desk: Desk, key_cache_seconds: float) -> None:
        self.desk = desk
        self.keys = KeyCache(lambda key: desk.read(authenticate, key), key_cache_seconds)
        self.limits = RateLimiter()
        self.metrics = Metrics(desk)
        self._desks: dict[str, Desk] = {}
        self._lock = threading.Lock()

    def desk_for(self, access: ChannelAccess) -> Desk:
        """The desk acting as the channel (made once per channel, on the shared engine)."""
        with self._lock:
            desk = self._desks.get(access.channel)
            if desk is None:
                desk = Desk(self.desk.engine, access.actor, self.desk.rules)
                self._desks[access.channel] = desk
        return desk


class Caller:
    """One request's channel, and the two ways it runs a service: reading or writing."""

    def __init__(self, state: ApiState, access: ChannelAccess) -> None:
        self.state = state
        self.access = access
        self._desk = state.desk_for(access)

    def read(
        self,
        service: Callable[Concatenate[Session, ChannelAccess, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a reading service for the channel in one read-only transaction."""
        return self._desk.read(service, self.access, *args, **kwargs)

    def run(
        self,
        service: Callable[Concatenate[Session, ChannelAccess, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run a writing service for the channel in one transaction (retried on conflicts)."""
        return self._desk.run(service, self.access, *args, **kwargs)


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The calling channel, found by its key and held to its rate limit."""
    state: ApiState = request.app.state.api
    access = state.keys.access(credentials.credentials if credentials else None)
    wait = state.limits.wait_for(access)
    if wait:
        raise TooManyRequests(wait)
    return Caller(state, access)


CallerDep = Annotated[Caller, Depends(caller)]


def from_environment() -> FastAPI:
    """The app on the database `pms api serve --workers N` hands each worker process in
    PMS_DATABASE_URL (uvicorn starts workers from an import string, not from an object)."""
    from pms.startup import open_desk

    desk, _ = open_desk(ready=False)
    desk.check_ready()
    return create_app(desk)


def create_app(desk: Desk, *, key_cache_seconds: float = KEY_CACHE_SECONDS) -> FastAPI:
    """The API on the desk's database (the desk itself only looks keys up)."""
    from api.routes import router

    app = FastAPI(
        title="Hotel PMS booking API",
        version="1.0.0",
        description=(
            "Availability, offers and bookings for the hotel's website and channel managers, "
            "on the same inventory as the front desk. Money is integer minor units beside its "
            'currency. Every error is `{"errors": [{"code", "field", "message"}]}`.'
        ),
    )
    state = ApiState(desk, key_cache_seconds)
    app.state.api = state
    errors.install(app)

    @app.exception_handler(TooManyRequests)
    async def _limited(request: Request, error: TooManyRequests) -> Response:
        return errors.error_response(
            429, "rate_limited", str(error), **{"Retry-After": str(error.retry_after)}
        )

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        body, content_type = state.metrics.exposition()
        return Response(body, media_type=content_type)

    app.include_router(router)
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    return app
