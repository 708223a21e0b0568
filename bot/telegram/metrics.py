"""Prometheus metrics: one registry per application (no process-wide default registry)."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram.request import BaseRequest, RequestData

from bot.telegram.wrapped import WrappedRequest

# Bot API methods that deliver a message to someone.
SENDING = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "sendVenue", "sendVoice", "sendLocation"}
)


class Metrics:
    """Updates handled and how long they took, messages sent, 429s, outbox depth, lag."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter("hjalpsam_updates_total", "Updates handled", registry=self.registry)
        self.latency = Histogram(
            "hjalpsam_handler_seconds",
            "Time from an update's first handler to its last",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.sent = Counter(
            "hjalpsam_messages_sent_total", "Messages sent to Telegram", registry=self.registry
        )
        self.too_many = Counter(
            "hjalpsam_telegram_429_total",
            "Telegram answered 429 (slow down)",
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "hjalpsam_outbox_depth",
            "Broadcast messages waiting to be sent",
            registry=self.registry,
        )
        self.outbound_depth = Gauge(
            "hjalpsam_outbound_depth",
            "Notifications Telegram did not take yet, waiting to be sent again",
            registry=self.registry,
        )
        self.retries = Counter(
            "hjalpsam_telegram_retries_total",
            "Bot API calls tried again after a 5xx, a timeout or a network error",
            registry=self.registry,
        )
        self.reminder_lag = Gauge(
            "hjalpsam_reminder_lag_seconds",
            "How overdue the oldest unsent reminder is",
            registry=self.registry,
        )
        self.last_update_at: float | None = None
        self._started: dict[int, float] = {}

    def begin(self, update_id: int) -> None:
        now = time.monotonic()
        self.last_update_at = now
        if len(self._started) > 10_000:  # updates stopped early never reach end()
            self._started.clear()
        self._started[update_id] = now

    def end(self, update_id: int) -> None:
        started = self._started.pop(update_id, None)
        self.updates.inc()
        if started is not None:
            self.latency.observe(time.monotonic() - started)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class CountingRequest(WrappedRequest):
    """Wraps the real Bot API request: counts messages sent and 429 answers."""

    def __init__(self, inner: BaseRequest, metrics: Metrics) -> None:
        super().__init__(inner)
        self._metrics = metrics

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, body = await self._inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if code == 429:
            self._metrics.too_many.inc()
        elif code == 200 and url.rsplit("/", 1)[-1] in SENDING:
            self._metrics.sent.inc()
        return code, body
