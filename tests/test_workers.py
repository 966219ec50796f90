"""`faqbot serve --workers N` gives each worker its own listening socket, so the kernel spreads connections."""

from __future__ import annotations

import socket

from conftest import free_port

from bot.workers import address_free, listening_socket, reuse_port_supported


def test_connections_to_the_port_are_spread_over_every_workers_socket() -> None:
    assert reuse_port_supported()  # the servers this project targets run Linux
    port = free_port()
    first, second = listening_socket("127.0.0.1", port), listening_socket("127.0.0.1", port)
    clients = []
    try:
        for _ in range(64):
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        accepted = []
        for sock in (first, second):
            sock.setblocking(False)
            count = 0
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                conn.close()
                count += 1
            accepted.append(count)
        assert sum(accepted) == 64
        assert min(accepted) > 0, f"one socket got every connection: {accepted}"
    finally:
        for c in clients:
            c.close()
        first.close()
        second.close()


def test_a_port_in_use_by_another_program_is_refused() -> None:
    port = free_port()
    with socket.socket() as other:  # an ordinary listener, without SO_REUSEPORT
        other.bind(("127.0.0.1", port))
        other.listen()
        try:
            listening_socket("127.0.0.1", port).close()
        except OSError:
            return
        raise AssertionError("bound a port another program is listening on")


def test_a_second_server_on_the_same_port_is_refused_at_start() -> None:
    """Workers share their port with each other, but another faqbot started on it must fail, not split
    the traffic silently."""
    port = free_port()
    address_free("127.0.0.1", port)  # nothing there yet
    running = listening_socket("127.0.0.1", port)  # a worker of the first server
    try:
        try:
            address_free("127.0.0.1", port)
        except OSError:
            return
        raise AssertionError("a second server could start on a port a faqbot worker listens on")
    finally:
        running.close()
