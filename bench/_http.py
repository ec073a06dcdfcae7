"""Small HTTP calls to the processes under test, which only ever listen on loopback."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench._processes import BenchError

HOST = "127.0.0.1"
# Connection refused and 503 both mean "not yet" while a server starts.
_NOT_YET = (urllib.error.URLError, ConnectionError, TimeoutError)


def local_url(port: int, path: str) -> str:
    """The loopback URL of `path` on `port`."""
    return f"http://{HOST}:{port}{path}"


def require_loopback(url: str) -> None:
    """Refuse any URL whose host is not 127.0.0.1; nothing else may be loaded."""
    if urlsplit(url).hostname != HOST:
        raise BenchError(f"refusing to send requests to {url}: only {HOST} is allowed")


def get_json(url: str, token: str, timeout_s: float = 5.0) -> Any:
    """The decoded JSON body of an authenticated GET that must succeed."""
    request = urllib.request.Request(url, headers=bearer(token))
    return _must(request, timeout_s)


def post_json(
    url: str, body: dict[str, Any], token: str, timeout_s: float = 5.0
) -> Any:
    """The decoded JSON body of an authenticated JSON POST that must succeed."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **bearer(token)},
        method="POST",
    )
    return _must(request, timeout_s)


def log_in(port: int, state_dir: Path) -> str:
    """An access token of the gateway's first admin, via the OAuth2 token route."""
    password = (state_dir / "initial-admin-password").read_text().strip()
    form = urllib.parse.urlencode({"username": "admin", "password": password})
    request = urllib.request.Request(
        local_url(port, "/api/auth/token"),
        data=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    token: str = _must(request, 10.0)["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def is_ok(url: str) -> bool:
    """Whether a GET of `url` answers 2xx now."""
    try:
        _fetch(urllib.request.Request(url), timeout_s=1.0)
    except _NOT_YET:
        return False
    return True


def _must(request: urllib.request.Request, timeout_s: float) -> Any:
    try:
        return _fetch(request, timeout_s)
    except (*_NOT_YET, ValueError) as err:
        what = f"{request.get_method()} {request.full_url}"
        raise BenchError(f"{what} failed: {err}") from err


def _fetch(request: urllib.request.Request, timeout_s: float) -> Any:
    require_loopback(request.full_url)
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return json.loads(response.read())


def wait_until_ok(url: str, timeout_s: float, is_alive: Callable[[], bool]) -> float:
    """Poll `url` until it answers 2xx; the seconds it took.

    `is_alive` is called between polls so a server that died is reported at once
    rather than after the whole timeout.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if is_ok(url):
            return time.monotonic() - started
        if not is_alive():
            raise BenchError(f"the server exited before {url} answered")
        time.sleep(0.1)
    raise BenchError(f"{url} did not answer 2xx within {timeout_s:.0f} s")
