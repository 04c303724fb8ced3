"""Prometheus metrics of the API server, served at `/metrics`: requests by route and status,
their latency, bookings by channel, sold-out refusals by room type, and payments by state
(failures among them).

A plain ASGI middleware times each request (a `BaseHTTPMiddleware` would add a task and a
stream per request). Each app has its own registry, so tests can make many apps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from pms.kernel.desk import Desk
from pms.operations.doctor import payment_states

_log = logging.getLogger("pms.api")
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class _PaymentStates(Collector):
    """Payments by state, read from the database when Prometheus scrapes: failures are the
    gateway's refusals, whichever desk took them."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("pms_payments", "Payments by state", labels=["state"])
        for state, count in sorted(self.desk.read(payment_states).items()):
            family.add_metric([state], count)
        yield family


class Metrics:
    """The API's counters and histograms, in a registry of their own."""

    def __init__(self, desk: Desk) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_PaymentStates(desk))
        self.requests = Counter(
            "pms_api_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "pms_api_request_seconds",
            "Time to answer a request",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.bookings = Counter(
            "pms_api_bookings", "Bookings made over the API", ["channel"], registry=self.registry
        )
        self.sold_out = Counter(
            "pms_api_sold_out",
            "Bookings and changes refused because a night was sold out",
            ["room_type"],
            registry=self.registry,
        )

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Counts and times every HTTP request under its route's template (`/v1/…/{code}/…`)."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def _send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            method = scope["method"]
            seconds = time.perf_counter() - started
            self.metrics.latency.labels(method, template).observe(seconds)
            self.metrics.requests.labels(method, template, str(status[0])).inc()
            # One line a request in the log with --verbose (never the key or the body).
            _log.debug(
                "%s %s %s",
                method,
                template,
                status[0],
                extra={"action": f"{method} {template}", "duration_ms": round(seconds * 1000, 1)},
            )
