"""Fetching feeds from a real HTTP server on 127.0.0.1: 200, 304 with ETag, 404, redirects,
a slow server, a truncated body, a body over the size cap."""

from __future__ import annotations

import stat
import time

import pytest
from feedserver import FeedServer

from peercli.importers.fetch import FetchError, fetch


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def test_200_writes_a_private_copy_with_validators(server, tmp_path):
    server.files["mg.json"] = b'[{"name": "A"}]'
    dest = tmp_path / "cache" / "mg.json"
    got = fetch(server.url("/feeds/mg.json"), dest)
    assert got.status == "fetched" and dest.read_bytes() == b'[{"name": "A"}]'
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert got.etag and got.last_modified and got.size == 15 and got.sha256


def test_304_when_the_etag_still_matches(server, tmp_path):
    server.files["mg.json"] = b"[]"
    dest = tmp_path / "mg.json"
    first = fetch(server.url("/feeds/mg.json"), dest)
    dest.write_bytes(b"kept")
    again = fetch(server.url("/feeds/mg.json"), dest, etag=first.etag)
    assert again.status == "not_modified" and dest.read_bytes() == b"kept"
    assert server.conditional == 1


def test_404_is_one_clear_error_and_keeps_the_old_copy(server, tmp_path):
    dest = tmp_path / "mg.json"
    dest.write_bytes(b"old")
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetch(server.url("/missing"), dest)
    assert not info.value.offline and info.value.status == 404
    assert dest.read_bytes() == b"old"
    assert not list(tmp_path.glob("*.part*"))


def test_redirect_followed_and_loops_refused(server, tmp_path):
    server.files["mg.json"] = b"[1]"
    got = fetch(server.url("/moved/mg.json"), tmp_path / "a")
    assert got.url.endswith("/feeds/mg.json") and (tmp_path / "a").read_bytes() == b"[1]"
    with pytest.raises(FetchError, match="redirect"):
        fetch(server.url("/loop"), tmp_path / "b", max_redirects=3)


def test_slow_server_times_out_as_offline(server, tmp_path):
    server.slow_seconds = 2.0
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer within 0.3 s") as info:
        fetch(server.url("/slow"), tmp_path / "s", timeout=0.3)
    assert info.value.offline and time.monotonic() - started < 1.5


def test_truncated_body_is_refused(server, tmp_path):
    dest = tmp_path / "t"
    with pytest.raises(FetchError, match="cut off"):
        fetch(server.url("/truncated"), dest, timeout=2)
    assert not dest.exists()


def test_body_over_the_cap_is_refused_by_length_and_while_streaming(server, tmp_path):
    with pytest.raises(FetchError, match="the limit is 52 MB"):
        fetch(server.url("/huge"), tmp_path / "h")
    with pytest.raises(FetchError, match="larger than 52 MB"):
        fetch(server.url("/huge-stream"), tmp_path / "h2")
    assert not (tmp_path / "h2").exists() and not list(tmp_path.glob("*.part*"))


def test_unreachable_host_and_non_web_addresses(tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(FetchError, match="cannot reach 127.0.0.1") as info:
        fetch(f"http://127.0.0.1:{port}/feed.json", tmp_path / "x", timeout=2)
    assert info.value.offline
    with pytest.raises(FetchError, match="not an http"):
        fetch("file:///etc/passwd", tmp_path / "y")
