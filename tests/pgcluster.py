"""A private, throwaway PostgreSQL 15 cluster for tests that stop and start the server (outage tests):
initdb + pg_ctl on a free loopback port in a temporary directory. The shared server on 5432 is never
touched.

    with private_cluster() as cluster:          # initdb, start; stop and delete on exit
        url = cluster.create_database("app")     # postgresql://postgres@127.0.0.1:<port>/app
        cluster.stop()                            # fast shutdown: clients are disconnected
        cluster.start()                           # same data, same port
        cluster.stop(mode="immediate")            # a crash: no checkpoint, recovery on next start

As root (this machine's tests), the server runs as the `postgres` user (initdb refuses root); the
directory is made in /tmp and handed to that user. `pg_cluster` is the pytest fixture; modules that use
it skip when PostgreSQL 15's binaries are not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "postgres"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def is_available() -> bool:
    return (BIN / "initdb").is_file() and (BIN / "pg_ctl").is_file()


class PgCluster:
    """One cluster: `root` holds the data directory, the socket and the server log."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.data = root / "data"
        self.log = root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(BIN / "initdb", "-D", self.data, "-U", USER, "--auth=trust", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        # fsync=off: faster, and safe against a server crash (stop(mode="immediate")), which is all tests
        # do; synchronous_commit stays on, else an immediate stop would lose commits the tests rely on.
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
            "-c fsync=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: disconnect clients, checkpoint, exit; immediate: exit at once, as a crash would."""
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    @property
    def is_running(self) -> bool:
        done = subprocess.run(self._command(BIN / "pg_ctl", "-D", self.data, "status"), capture_output=True)
        return done.returncode == 0

    def create_database(self, name: str) -> str:
        """CREATE DATABASE `name`; returns its URL."""
        self._run(BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return self.url(name)

    def _command(self, *args: object) -> list[str]:
        command = [str(a) for a in args]
        return ["runuser", "-u", USER, "--", *command] if os.geteuid() == 0 else command

    def _run(self, *args: object) -> None:
        done = subprocess.run(self._command(*args), capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(map(str, args))} failed: {done.stderr.strip()}\n{log}")


@contextmanager
def private_cluster() -> Iterator[PgCluster]:
    """A fresh cluster, started; stopped (immediately) and deleted afterwards, whatever the test did."""
    root = Path(tempfile.mkdtemp(prefix="paperwire-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, USER, USER)
    cluster = PgCluster(root, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.is_running:
            cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_cluster() -> Iterator[PgCluster]:
    """A private PostgreSQL cluster for this test (skips without PostgreSQL 15's binaries)."""
    if not is_available():
        pytest.skip(f"PostgreSQL 15 is not installed ({BIN})")
    with private_cluster() as cluster:
        yield cluster
