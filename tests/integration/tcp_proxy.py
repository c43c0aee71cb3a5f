"""A TCP proxy that can play a database restart without touching the shared server.

Other test runs use the same PostgreSQL, so it is never restarted: the bot connects through
this proxy instead, and `outage()` does to the bot what a restart does: every open connection
is cut, and new ones are refused (accepted and reset at once, as a server still starting up
refuses them) until it ends.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._down = False
        self._closed = False
        self.accepted = 0
        self.refused = 0
        self._thread = threading.Thread(target=self._accept, name="tcp-proxy", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def cut(self) -> None:
        """Drop every connection and refuse new ones (the server went down)."""
        with self._lock:
            self._down = True
            doomed, self._open = self._open, set()
        for sock in doomed:
            _reset(sock)

    def resume(self) -> None:
        with self._lock:
            self._down = False

    @contextmanager
    def outage(self) -> Iterator[None]:
        self.cut()
        try:
            yield
        finally:
            self.resume()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                down = self._down
            if down:
                self.refused += 1
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self.accepted += 1
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
            _reset(source)
            _reset(sink)


def _reset(sock: socket.socket) -> None:
    """Close with a reset (no graceful FIN), as a killed server's kernel does."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Wakes the pump thread blocked in recv() on it; close() alone would not.
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    with suppress(OSError):
        sock.close()
