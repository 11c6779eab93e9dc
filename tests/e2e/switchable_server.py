"""The demo site on a port whose server the test can really stop, start again, or turn into
"lie-fi": a socket that accepts connections and never answers.

The browser talks to a small relay on a fixed port (a service worker belongs to its origin,
port included, so the port must outlive the server); behind it runs `manage.py runserver`.
`stop()` terminates runserver and closes the port (connections are refused); `lie_fi()`
keeps the port open, accepts every connection and never sends a byte. The relay also notes
every request line, so a test can say what a phone downloaded.
"""

import contextlib
import re
import socket
import threading
import time

from .conftest import free_port, running_server

REQUEST_LINE = re.compile(rb"(?:^|\r\n)(GET|HEAD|POST) (\S+) HTTP/1\.[01]\r\n")


class SwitchableServer:
    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mode = "down"
        self.requests = []
        self._backend = None  # (context manager, backend port)
        self._listener = None
        self._held = []
        self._relayed = []
        self._lock = threading.Lock()

    # -- what the test switches --------------------------------------------------------

    def start(self):
        """The real server, answering on the port."""
        if self._backend is None:
            manager = running_server(self.env)
            base = manager.__enter__()
            self._backend = (manager, int(base.rsplit(":", 1)[1]))
        self.mode = "up"
        self._drop_held()
        self._listen()

    def stop(self):
        """No server at all: runserver ends, the port is closed."""
        self.mode = "down"
        self._close_listener()
        self._drop_held()
        self._drop_relayed()
        if self._backend is not None:
            manager, _port = self._backend
            self._backend = None
            manager.__exit__(None, None, None)

    def lie_fi(self):
        """The port accepts connections and never answers (kept-alive ones are cut first)."""
        self.mode = "lie-fi"
        self._drop_relayed()
        self._listen()

    def paths_since(self, mark):
        with self._lock:
            return list(self.requests[mark:])

    def mark(self):
        with self._lock:
            return len(self.requests)

    # -- the relay ------------------------------------------------------------------------

    def _listen(self):
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _ in range(50):
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.1)
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _close_listener(self):
        if self._listener is not None:
            # shutdown() first: close() alone leaves a blocked accept() holding the port open.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None

    def _drop_held(self):
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.close()
        self._held = []

    def _drop_relayed(self):
        for conn in self._relayed:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass
        self._relayed = []

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # closed
            if self.mode == "lie-fi" or self._backend is None:
                self._held.append(client)  # accepted, and never answered
                continue
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        try:
            backend = socket.create_connection(("127.0.0.1", self._backend[1]))
        except OSError:
            client.close()
            return
        self._relayed += [client, backend]

        def pump(source, target, log):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    if log:
                        with self._lock:
                            self.requests += [
                                match.group(2).decode() for match in REQUEST_LINE.finditer(data)
                            ]
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (source, target):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=pump, args=(backend, client, False), daemon=True).start()
        pump(client, backend, True)
