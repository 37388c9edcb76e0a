"""A real HTTP server on 127.0.0.1 for the fetching tests (stdlib http.server in a thread).

Routes: ``/feeds/<name>`` serves ``server.files[name]`` (bytes) with an ETag (sha of the body)
and Last-Modified, answering 304 to a matching If-None-Match; ``/missing`` 404; ``/moved/<name>``
302 to ``/feeds/<name>``; ``/loop`` redirects to itself; ``/slow`` waits ``slow_seconds`` before
answering; ``/truncated`` promises 1,000 bytes and sends 100; ``/huge`` declares 50 MB + 1;
``/huge-stream`` streams 51 MB without a length. ``/main_server/client_interface/json/`` is a
BMLT server: ``?switcher=GetSearchResults...`` serves ``files["GetSearchResults"]`` and
``?switcher=GetFormats...`` ``files["GetFormats"]`` (404 when absent). ``server.hits`` counts requests per path and
``server.conditional`` the requests that carried a validator.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class FeedServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: Counter[str] = Counter()
        self.conditional = 0
        self.slow_seconds = 3.0
        self.etags = True
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.hits[self.path] += 1
                path = self.path.split("?")[0]
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    owner.conditional += 1
                if path.startswith("/feeds/"):
                    name = path.removeprefix("/feeds/")
                    body = owner.files.get(name)
                    if body is None:
                        return self._plain(404, b"no such feed")
                    tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    if owner.etags and self.headers.get("If-None-Match") == tag:
                        self.send_response(304)
                        self.send_header("ETag", tag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return None
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    if owner.etags:
                        self.send_header("ETag", tag)
                        self.send_header("Last-Modified", "Sat, 28 Nov 2026 09:00:00 GMT")
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                if path == "/main_server/client_interface/json/":
                    query = self.path.partition("?")[2]
                    switcher = next((p.split("=", 1)[1] for p in query.split("&")
                                     if p.startswith("switcher=")), "")
                    body = owner.files.get(switcher)
                    if body is None:
                        return self._plain(404, b"no such switcher")
                    return self._plain(200, body)
                if path == "/missing":
                    return self._plain(404, b"not here")
                if path.startswith("/moved/"):
                    return self._redirect("/feeds/" + path.removeprefix("/moved/"))
                if path == "/loop":
                    return self._redirect("/loop")
                if path == "/slow":
                    time.sleep(owner.slow_seconds)
                    return self._plain(200, b"[]")
                if path == "/truncated":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b"[" + b" " * 99)
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                if path == "/huge":
                    self.send_response(200)
                    self.send_header("Content-Length", str(50 * 1024 * 1024 + 1))
                    self.end_headers()
                    self.close_connection = True
                    return None
                if path == "/huge-stream":
                    self.send_response(200)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    block = b" " * (1024 * 1024)
                    try:
                        for _ in range(51):
                            self.wfile.write(block)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return None
                return self._plain(404, b"unknown")

            def _plain(self, code: int, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, where: str) -> None:
                self.send_response(302)
                self.send_header("Location", where)
                self.send_header("Content-Length", "0")
                self.end_headers()

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (timeout tests) is expected

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # shutdown() waits for the serving loop's next poll: 0.5 s by default, at every exit
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={
            "poll_interval": 0.02}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
