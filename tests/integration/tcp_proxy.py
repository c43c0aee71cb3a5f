"""A TCP proxy that can play a database restart without touching the shared server.

Other test runs use the same PostgreSQL, so it is never restarted: the bot connects through
this proxy instead, and `outage()` does to the bot what a restart does: every open connection
is cut, and new ones are refused (accepted and reset at once, as a server still starting up
refuses them) until it ends. `held()` plays a server that is slow to answer: connections are
accepted, and requests on connections already open are read, but go through only when it
ends, for exactly as long as a test needs.
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
        self._released = threading.Event()
        self._released.set()
        self._held_changed = threading.Condition(self._lock)
        self.accepted = 0
        self.requests = 0  # HTTP requests sent through, on new or kept-alive connections
        self.refused = 0
        self.held_count = 0  # connections that waited in held()
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

    @contextmanager
    def held(self) -> Iterator[None]:
        """Connections opened meanwhile, and what is sent on those already open (a kept-alive
        HTTP connection's next request), wait unanswered until it ends."""
        self._released.clear()
        try:
            yield
        finally:
            self._released.set()

    def wait_until_held(self, count: int = 1, timeout: float = 10.0) -> None:
        """Until `count` connections are waiting in held() (or have waited)."""
        with self._held_changed:
            if not self._held_changed.wait_for(lambda: self.held_count >= count, timeout):
                raise AssertionError(f"{self.held_count} connection(s) held after {timeout}s, "
                                     f"not {count}")

    def close(self) -> None:
        self._closed = True
        self._released.set()
        self.cut()
        # shutdown() wakes the thread blocked in accept(); close() alone would not, and the
        # join below waited its full 5 s at every test's teardown.
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
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
            if not self._released.is_set():
                with self._held_changed:
                    self.held_count += 1
                    self._held_changed.notify_all()
                threading.Thread(target=self._connect_when_released, args=(client,),
                                 daemon=True).start()
                continue
            self._connect(client)

    def _connect_when_released(self, client: socket.socket) -> None:
        self._released.wait()
        self._connect(client)

    def _connect(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self._target, timeout=5)
            upstream.settimeout(None)
        except OSError:
            _reset(client)
            return
        with self._lock:
            self.accepted += 1
            self._open.update((client, upstream))
        for source, sink, outbound in ((client, upstream, True), (upstream, client, False)):
            threading.Thread(target=self._pump, args=(source, sink, outbound),
                             daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, outbound: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if outbound and not self._released.is_set():
                    with self._held_changed:
                        self.held_count += 1
                        self._held_changed.notify_all()
                    self._released.wait()
                if outbound and chunk.startswith((b"POST ", b"GET ")):
                    with self._lock:
                        self.requests += 1
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
