"""One error shape for every answer that is not a success, `{"errors": [{code, field,
message}]}`, and the status each domain error earns. A request the services refuse is never a
500: only a bug is, and it is logged with its traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from pms.channels.keys import Unauthenticated
from pms.kernel.errors import (
    ConcurrentChange,
    DatabaseUnavailable,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    PmsError,
    Restricted,
    RoomUnavailable,
    SoldOut,
    StaleQuote,
    WouldOverbook,
)

log = logging.getLogger("pms.api")

#: Domain error → (HTTP status, error code); the first class a raised error is an instance of.
_STATUS: tuple[tuple[type[PmsError], int, str], ...] = (
    (Unauthenticated, 401, "unauthenticated"),
    (PermissionDenied, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (SoldOut, 409, "sold_out"),
    (ConcurrentChange, 409, "stale_version"),
    (StaleQuote, 409, "price_changed"),
    (Restricted, 409, "restricted"),
    (InvalidTransition, 409, "invalid_state"),
    (RoomUnavailable, 409, "room_unavailable"),
    (WouldOverbook, 409, "would_overbook"),
    (DatabaseUnavailable, 503, "unavailable"),
    (InvalidInput, 422, "invalid"),
)


def error_response(
    status: int, code: str, message: str, field: str | None = None, **headers: str
) -> JSONResponse:
    """The one error shape, with one error in it."""
    body = {"errors": [{"code": code, "field": field, "message": message}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


def status_of(error: PmsError) -> tuple[int, str]:
    """The HTTP status and code of a domain error (422 for any the table does not name)."""
    for kind, status, code in _STATUS:
        if isinstance(error, kind):
            return status, code
    return 422, "invalid"


def _field_of(location: tuple[str | int, ...]) -> str:
    # ("body", "guest", "email") → "guest.email"; ("query", "from") → "from"
    parts = [str(part) for part in location[1:]] or [str(p) for p in location]
    return ".".join(parts)


def _allowed(request: Request) -> str:
    """Every method the path answers to: Starlette's 405 names only the first route's, and
    GET and PATCH of a booking are two routes."""
    path = request.url.path
    methods = {
        method
        for route in request.app.routes
        if isinstance(route, APIRoute) and route.path_regex.match(path)
        for method in route.methods
    }
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    """Answer domain errors, malformed requests, unknown routes and bugs in the one shape."""

    @app.exception_handler(PmsError)
    async def _domain(request: Request, error: PmsError) -> JSONResponse:
        status, code = status_of(error)
        field = error.field if isinstance(error, InvalidInput) else None
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        return error_response(status, code, str(error), field, **headers)

    @app.exception_handler(RequestValidationError)
    async def _shape(request: Request, error: RequestValidationError) -> JSONResponse:
        items = [
            {"code": "invalid", "field": _field_of(tuple(e["loc"])), "message": e["msg"]}
            for e in error.errors()
        ]
        return JSONResponse({"errors": items}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:  # a body that is not JSON: as invalid as a wrong field
            return error_response(422, "invalid", str(error.detail), "body")
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        response = error_response(error.status_code, code, str(error.detail))
        response.headers.update(error.headers or {})
        if error.status_code == 405:
            response.headers["Allow"] = _allowed(request)
        return response

    @app.exception_handler(Exception)
    async def _bug(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error answering %s %s", request.method, request.url.path)
        return error_response(500, "internal", "an unexpected error; it has been logged")
