"""The pausable proxy that plays a database outage for the db-outage drill."""

import socket
import socketserver
import threading

import pytest

from drills.proxy import PausableProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def echo_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo_server):
    proxy = PausableProxy(target_host="127.0.0.1", target_port=echo_server).start()
    yield proxy
    proxy.stop()


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def _echoes(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.sendall(data)
        return sock.recv(1024) == data
    except OSError:
        return False


def test_the_proxy_forwards_both_ways(proxy):
    with _connect(proxy.listen_port) as sock:
        assert _echoes(sock, b"SELECT 1")


def test_pausing_drops_open_connections_and_refuses_new_ones_until_resumed(proxy):
    opened = _connect(proxy.listen_port)
    assert _echoes(opened, b"before")

    proxy.pause()
    assert not _echoes(opened, b"during")  # the open connection was closed
    opened.close()
    with _connect(proxy.listen_port) as during:
        assert not _echoes(during, b"during")  # accepted, then closed at once

    proxy.resume()
    with _connect(proxy.listen_port) as after:
        assert _echoes(after, b"after")
