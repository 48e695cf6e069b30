"""Rendering opt-in evidence in Chromium fetches nothing: the page is the portal's own HTML
(tenant text escaped, tenant URLs only as links and link text), every request is aborted,
scripts do not run and no host resolves, so no tenant URL reaches the network from the
renderer (a WebSocket, a prefetch hint and a meta refresh got through before). A real
listener on 127.0.0.1 counts any connection the page tries."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from compliance import evidence
from tests.e2e.conftest import chromium_or_skip

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                connections.append(conn.recv(200))
            except OSError:
                connections.append(b"")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join(5)
    server.close()


def test_the_renderer_reaches_nothing(listener):
    chromium_or_skip()
    port, connections = listener
    base = f"127.0.0.1:{port}"
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="http://{base}/style.css">
      <link rel="preconnect" href="http://{base}/">
      <link rel="prefetch" href="http://{base}/prefetch">
      <link rel="dns-prefetch" href="http://{base}/">
      <meta http-equiv="refresh" content="0; url=http://{base}/refresh">
      <style>body {{ background: url(http://{base}/bg.png); }}</style>
    </head><body style="width:700px">
      <h1>Evidence</h1>
      <img src="http://{base}/img.png">
      <a href="http://{base}/link">a tenant's link</a>
      <iframe src="http://{base}/frame"></iframe>
      <object data="http://{base}/object"></object>
      <script src="http://{base}/script.js"></script>
      <script>
        fetch("http://{base}/fetch");
        new WebSocket("ws://{base}/socket");
        navigator.sendBeacon("http://{base}/beacon", "x");
      </script>
    </body></html>"""
    png = evidence.render_png(html)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # A second render on the same machine: anything the first one started has had its time.
    evidence.render_png("<p>done</p>")
    assert connections == []
