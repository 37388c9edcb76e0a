"""Fetching a directory feed over HTTP(S) into a private file, with the stdlib (``urllib``).

``fetch(url, dest, etag=..., last_modified=...)`` makes one GET (conditional when it has a
validator), follows at most ``MAX_REDIRECTS`` redirects (http/https only), gives up after
``timeout`` seconds without data or ``deadline`` seconds in all, refuses a body over
``max_bytes`` (from Content-Length before reading, or while reading), and notices a body cut
short of its Content-Length. The body is written to ``dest`` (mode 0600) only when complete,
through a temporary file in the same directory, so a failed fetch never spoils the last good
copy. A 304 answer is ``Fetched(status="not_modified")`` and leaves ``dest`` alone.

Failures are ``FetchError`` (a ``PeerError``) with one sentence for the user; ``offline`` is
True when the server could not be reached at all (so the caller may fall back to the cache).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peercli.core.errors import PeerError

DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 120.0
MAX_FEED_BYTES = 50 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "peer (peer support directory import; +https://example.invalid/peer)"


class FetchError(PeerError):
    """A feed could not be fetched; ``offline`` when the server was not reached at all."""

    def __init__(self, message: str, *, offline: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.offline = offline
        self.status = status


@dataclass(frozen=True)
class Fetched:
    status: str  # "fetched" | "not_modified"
    url: str  # the final URL, after redirects
    etag: str | None = None
    last_modified: str | None = None
    size: int = 0
    sha256: str | None = None
    content_type: str | None = None


def is_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def _opener(max_redirects: int) -> object:
    import urllib.request

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = max_redirects

        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
            if not is_url(newurl):
                raise FetchError(f"{_host(req.full_url)} redirected to a non-web address; "
                                 "refused")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(Redirects)


def fetch(
    url: str,
    dest: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    max_bytes: int = MAX_FEED_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET ``url`` into ``dest`` (see the module docstring)."""
    if not is_url(url):
        raise FetchError(f"'{url}' is not an http or https address")
    started = time.monotonic()
    response = _request(url, etag, last_modified, timeout, max_redirects)
    if isinstance(response, Fetched):
        return response
    host = _host(url)
    with response:
        final = response.geturl() or url
        length_text = response.headers.get("Content-Length")
        expected = int(length_text) if length_text and length_text.strip().isdigit() else None
        if expected is not None and expected > max_bytes:
            raise FetchError(f"{host}: the feed is {expected / 1e6:.0f} MB; the limit is "
                             f"{max_bytes / 1e6:.0f} MB")
        limits = _Limits(host, started + deadline, deadline, timeout, max_bytes)
        size, sha256 = _save(response, dest, limits, expected)
        return Fetched(
            "fetched", final, response.headers.get("ETag"),
            response.headers.get("Last-Modified"), size, sha256,
            response.headers.get("Content-Type"),
        )


def _request(url: str, etag: str | None, last_modified: str | None, timeout: float,
             max_redirects: int) -> Any:
    """The open response (following redirects), ``Fetched("not_modified")`` for a 304, or a
    ``FetchError`` saying why the server did not answer with the feed."""
    import http.client
    import urllib.error
    import urllib.request

    host = _host(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    opener = _opener(max_redirects)
    try:
        return opener.open(request, timeout=timeout)  # type: ignore[attr-defined]
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched("not_modified", exc.url or url, etag, last_modified)
        if exc.code in (301, 302, 303, 307, 308):
            raise FetchError(f"{host}: too many redirects (more than {max_redirects})",
                             status=exc.code) from None
        raise FetchError(f"{host} answered HTTP {exc.code} {exc.reason} for {url}",
                         status=exc.code) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"{host} did not answer within {timeout:g} s", offline=True) \
                from None
        raise FetchError(f"cannot reach {host} ({reason})", offline=True) from None
    except TimeoutError:
        raise FetchError(f"{host} did not answer within {timeout:g} s", offline=True) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchError(f"cannot reach {host} ({exc})", offline=True) from None


@dataclass(frozen=True)
class _Limits:
    host: str
    ends: float  # time.monotonic() by which the download must be done
    deadline: float
    timeout: float
    max_bytes: int


def _save(response: Any, dest: Path, limits: _Limits, expected: int | None) -> tuple[int, str]:
    """Read the body into ``dest`` (0600) through a temporary file that replaces it only when
    the body is complete (``expected`` bytes, when the server said); (size, SHA-256). Any
    failure removes the temporary file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + f".part{os.getpid()}")
    digest = hashlib.sha256()
    size = 0
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := _read_chunk(response, size, limits):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise FetchError(f"{limits.host}: the feed is larger than "
                                     f"{limits.max_bytes / 1e6:.0f} MB (the limit); not imported")
                digest.update(chunk)
                out.write(chunk)
        if expected is not None and size < expected:
            raise FetchError(f"{limits.host}: the download was cut off after {size:,} of "
                             f"{expected:,} bytes", offline=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return size, digest.hexdigest()


def _read_chunk(response: Any, size: int, limits: _Limits) -> bytes:
    """The next chunk of the body (b"" at its end); a stall, a cut or the deadline is a
    ``FetchError`` (offline: the caller may fall back to the last good copy)."""
    import http.client

    host = limits.host
    if time.monotonic() > limits.ends:
        raise FetchError(f"{host}: the download took longer than {limits.deadline:g} s",
                         offline=True)
    try:
        chunk: bytes = response.read(CHUNK)
    except http.client.IncompleteRead:
        raise FetchError(f"{host}: the download was cut off after {size:,} bytes",
                         offline=True) from None
    except TimeoutError:
        raise FetchError(f"{host} stopped sending for {limits.timeout:g} s",
                         offline=True) from None
    except OSError as exc:
        raise FetchError(f"{host}: the download failed ({exc})", offline=True) from None
    return chunk
