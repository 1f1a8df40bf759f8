"""Bounded HTTP for sync clients: one deadline per request, a size cap, http(s) only.

Failures become `SyncError` with one line that names what went wrong ("wrong username or
password", "server error (HTTP 503)", "the answer is not JSON", ...) and never a secret.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any, Self, TypedDict, Unpack

import httpx

from tui_reader import __version__
from tui_reader.fetch import ClientOwner, _describe_http_error, new_client
from tui_reader.i18n import _
from tui_reader.models import AccountConfig
from tui_reader.sync.accounts import SyncError, scrub

USER_AGENT = f"tui-reader/{__version__} (sync)"
MAX_RESPONSE_BYTES = 50_000_000


class RequestOptions(TypedDict, total=False):
    """The keyword arguments of `HttpClient.request` (and of `json`, which passes them on)."""

    params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None
    data: Mapping[str, Any] | Sequence[tuple[str, Any]] | None
    headers: Mapping[str, str] | None


class AuthError(SyncError):
    """The server refused the credentials (`bad_token`: only the GReader write token)."""

    bad_token: bool = False


class HttpStatusError(SyncError):
    """A non-2xx answer; `status` is its HTTP status."""

    status: int = 0


class HttpClient(ClientOwner):
    """An httpx.AsyncClient with the limits every sync request obeys.

    `secrets` are scrubbed from every error message this client raises.
    """

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = MAX_RESPONSE_BYTES,
        secrets: Sequence[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.secrets = list(secrets)
        self.requests = 0
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"HttpClient(timeout={self.timeout}, max_bytes={self.max_bytes})"

    async def __aenter__(self) -> Self:
        self._client = await new_client(
            timeout=self.timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            max_redirects=5,
            transport=self._transport,
        )
        return self

    def fail(self, message: str, cls: type[SyncError] = SyncError) -> SyncError:
        """A one-line error with every secret scrubbed."""
        line = " ".join(scrub(message, self.secrets).split())
        return cls(line[:300])

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        data: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """`(status, body)` of a 2xx answer; `SyncError` for anything else."""
        if self._client is None:
            raise RuntimeError("HttpClient is not open")
        if not url.lower().startswith(("http://", "https://")):
            raise self.fail(_("only http:// and https:// server URLs are supported"))
        self.requests += 1
        try:
            async with asyncio.timeout(self.timeout):
                status, bad_token, body = await self._send(method, url, params, data, headers)
        except TimeoutError:
            raise self.fail(
                _("the server did not answer within {seconds:g} s").format(seconds=self.timeout)
            ) from None
        except httpx.TimeoutException:
            raise self.fail(
                _("the server did not answer within {seconds:g} s").format(seconds=self.timeout)
            ) from None
        except httpx.HTTPError as exc:
            raise self.fail(_describe_http_error(exc)) from None
        if status in (401, 403):
            auth_error = self.fail(
                _("wrong username or password (HTTP {status})").format(status=status), AuthError
            )
            auth_error.bad_token = bad_token  # type: ignore[attr-defined]
            raise auth_error
        if not 200 <= status < 300:
            if status >= 500:
                message = _("server error (HTTP {status})").format(status=status)
            else:
                message = _("the server answered HTTP {status}").format(status=status)
            error = self.fail(message, HttpStatusError)
            error.status = status  # type: ignore[attr-defined]
            raise error
        return status, body

    async def _send(
        self,
        method: str,
        url: str,
        params: Any,
        data: Any,
        headers: Mapping[str, str] | None,
    ) -> tuple[int, bool, bytes]:
        assert self._client is not None
        if data is not None and not isinstance(data, Mapping):
            # httpx wants repeated form fields (`i=1&i=2`) as a mapping to lists.
            fields: dict[str, list[Any]] = {}
            for key, value in data:
                fields.setdefault(key, []).append(value)
            data = fields
        request = self._client.build_request(
            method, url, params=params, data=data, headers=dict(headers or {})
        )
        response = await self._client.send(request, stream=True)
        try:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise self.fail(self._too_big())
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise self.fail(self._too_big())
                chunks.append(chunk)
            bad_token = response.headers.get("x-reader-google-bad-token", "").lower() == "true"
            return response.status_code, bad_token, b"".join(chunks)
        finally:
            await response.aclose()

    def _too_big(self) -> str:
        from tui_reader.fetch import _format_size

        return _("the answer is larger than {size}; stopped").format(
            size=_format_size(self.max_bytes)
        )

    async def json(self, method: str, url: str, **options: Unpack[RequestOptions]) -> Any:
        """The decoded JSON answer; `SyncError` when it is not JSON."""
        _status, body = await self.request(method, url, **options)
        return await asyncio.to_thread(self._decode_json, body)

    def _decode_json(self, body: bytes) -> Any:
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            raise self.fail(_("the server's answer is not JSON")) from None


class AccountClient:
    """What every server client shares: its account and its open `HttpClient`'s count."""

    def __init__(self, account: AccountConfig, http: HttpClient) -> None:
        self.account = account
        self.http = http

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account={self.account.name!r})"

    @property
    def requests(self) -> int:
        return self.http.requests

    @requests.setter
    def requests(self, value: int) -> None:
        self.http.requests = value
