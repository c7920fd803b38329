"""A proxy that forwards nothing: the browser under test sends every request for a host other
than 127.0.0.1 here (`--proxy-server`), and this records it and answers 403. It never opens a
connection itself, so whatever the browser tries, nothing leaves the machine; the log says
what was tried (CONNECT host:port for HTTPS, the absolute URL for HTTP)."""
from __future__ import annotations

import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        try:
            line = self.rfile.readline(8192).decode("latin-1").strip()
        except OSError:
            return
        if line:
            with self.server.lock:  # type: ignore[attr-defined]
                self.server.seen.append(line)  # type: ignore[attr-defined]
        try:
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class NetGuard:
    def __init__(self) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.seen = []  # type: ignore[attr-defined]
        self.server.lock = threading.Lock()  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "NetGuard":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def seen(self) -> list[str]:
        with self.server.lock:  # type: ignore[attr-defined]
            return list(self.server.seen)  # type: ignore[attr-defined]

    def chromium_args(self) -> list[str]:
        """Every host but 127.0.0.1 through this proxy, and no name resolves anyway."""
        return [f"--proxy-server=http://127.0.0.1:{self.port}",
                "--proxy-bypass-list=127.0.0.1",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
