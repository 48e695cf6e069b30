"""Real local HTTP receivers for the outbound tests, a guard that lets a test connect to
nothing but its own receivers, and DNS answers for names (there is no DNS here: the answers
for public names are the one thing these tests mock)."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.waiting import wait_until


class Receiver:
    """A real HTTP server on 127.0.0.1; `behave(handler)` answers each request."""

    def __init__(self, behave: Callable[[BaseHTTPRequestHandler], None] | None = None) -> None:
        self.requests: list[dict] = []
        self.release = threading.Event()  # set at the end: frees handlers that wait
        self.behave = behave or (lambda h: self.answer(h, 200))
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                outer.behave(self)

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    @staticmethod
    def answer(handler: BaseHTTPRequestHandler, code: int, headers: dict | None = None) -> None:
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class ConnectGuard:
    """Replaces socket.socket.connect for one test: a connection to anything but the ports
    registered here on loopback is refused before it leaves, and recorded."""

    def __init__(self) -> None:
        self.allowed_ports: set[int] = set()
        self.attempts: list[tuple[str, int]] = []
        self.blocked: list[tuple[str, int]] = []

    def install(self, monkeypatch) -> ConnectGuard:
        real_connect = socket.socket.connect
        guard = self

        def connect(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                host, port = address[0], address[1]
                guard.attempts.append((host, port))
                ip = ipaddress.ip_address(host.split("%", 1)[0])
                if not (ip.is_loopback and port in guard.allowed_ports):
                    guard.blocked.append((host, port))
                    raise ConnectionRefusedError(f"test guard: no connection to {host}:{port}")
            return real_connect(sock, address)

        monkeypatch.setattr(socket.socket, "connect", connect)
        return self


class FakeDns:
    """getaddrinfo answers for names the test gives; literals resolve as the system does
    (numerically, no lookup); any other name does not exist. `answers[name]` is a list of
    address lists: each lookup takes the next one (the last one repeats)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        self._real = socket.getaddrinfo

    def install(self, monkeypatch) -> FakeDns:
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)
        return self

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.lookups.append(name)
        if name in self.answers:
            queue = self.answers[name]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            result = []
            for address in addresses:
                ip = ipaddress.ip_address(address)
                if ip.version == 4:
                    result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
                else:
                    result.append(
                        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
                    )
            return result
        if name.rstrip(".") == "localhost":
            return self._real("127.0.0.1", port, family, type, proto, flags)
        try:
            return self._real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


def wait_for(
    condition: Callable[[], bool], *, within: float = 10.0, what: str = "condition"
) -> None:
    wait_until(condition, timeout=within, interval=0.02, message=what)
