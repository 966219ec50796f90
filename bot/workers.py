"""``faqbot serve --workers N`` on Linux: N uvicorn processes, each with its own listening socket (SO_REUSEPORT).

uvicorn's own ``--workers`` shares one listening socket between the processes. Whichever process is idle
when a burst of connections arrives accepts all of them (asyncio accepts everything pending at once), and
keep-alive connections stay where they landed: in measured runs with 32 clients on 2 workers, one worker
sometimes held every connection while the other idled, and throughput halved (~200 instead of ~380
requests/s). With one socket per process the kernel spreads new connections over the processes.

The parent only supervises: it starts the workers, restarts one that dies, and on SIGINT/SIGTERM asks them
all to stop (uvicorn's graceful shutdown) and waits for them.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.connection import wait
from typing import Any

log = logging.getLogger("faqbot.serve")

# A worker that dies this soon after starting, this many times in a row, is not restarted again.
QUICK_DEATH_SECONDS = 10.0
MAX_QUICK_DEATHS = 3


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def listening_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on ``host:port`` that other processes of this user may bind too."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def address_free(host: str, port: int) -> None:
    """Raise ``OSError`` if anything listens on ``host:port`` — another faqbot too.

    The probe binds without SO_REUSEPORT, which the kernel refuses next to any listener, so a second
    ``faqbot serve`` on the same port fails at start instead of silently sharing its traffic.
    """
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)


def _worker(options: dict[str, Any]) -> None:
    """One server process: its own socket, the app built from the environment by the factory."""
    from bot import heap

    heap.pause_for_startup()
    import uvicorn

    sock = listening_socket(options["host"], options["port"])
    config = uvicorn.Config(**options["uvicorn"])
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(workers: int, host: str, port: int, uvicorn_options: dict[str, Any]) -> int:
    """Serve with ``workers`` processes until SIGINT/SIGTERM; the exit status for ``faqbot serve``."""
    try:
        address_free(host, port)
    except OSError as exc:
        print(f"faqbot: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    options = {"host": host, "port": port, "uvicorn": uvicorn_options}
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> Any:
        process = context.Process(target=_worker, args=(options,), name="faqbot-worker")
        process.start()
        return process, time.monotonic()

    running = [start() for _ in range(workers)]
    quick_deaths = 0
    try:
        while not stopping:
            wait([p.sentinel for p, _ in running], timeout=0.5)
            for i, (process, started) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                quick_deaths = quick_deaths + 1 if time.monotonic() - started < QUICK_DEATH_SECONDS else 0
                if quick_deaths >= MAX_QUICK_DEATHS:
                    print("faqbot: workers keep failing at start-up; stopping.", file=sys.stderr)
                    stopping = True
                    break
                log.warning("worker %s exited with %s; starting another", process.pid, process.exitcode)
                running[i] = start()
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then exits
        deadline = time.monotonic() + float(uvicorn_options.get("timeout_graceful_shutdown") or 30) + 5
        for process, _ in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if quick_deaths >= MAX_QUICK_DEATHS else 0
