"""A Bot API request that wraps another: the life cycle and timeouts are the inner one's."""

from __future__ import annotations

from telegram.request import BaseRequest


class WrappedRequest(BaseRequest):
    """The base of the wrappers around the real HTTP request (counting, retrying); each only
    overrides ``do_request``."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout
