"""A private PostgreSQL 15 cluster for the topology tests: initdb in a temporary folder, listening on the
bridge address, trust auth. Restarting it never disturbs the shared server on 127.0.0.1:5432.

PostgreSQL refuses to run as root, so the cluster runs as the `postgres` system user when the tests are root.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
OWNER = "postgres"


def missing_requirement() -> str | None:
    if not (BIN / "initdb").exists():
        return f"needs PostgreSQL 15 ({BIN}/initdb)"
    try:
        pwd.getpwnam(OWNER)
    except KeyError:
        return f"needs the {OWNER!r} system user to run PostgreSQL as"
    return None


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    host: str
    root: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgresql.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{self.host}:{self.port}/{database}"

    def _run(self, *argv: str) -> None:
        command = [str(BIN / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OWNER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def create(self) -> Cluster:
        self.port = self.port or free_port(self.host)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = {
            "listen_addresses": f"'{self.host}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "fsync": "off",  # no power loss is simulated; a killed server still finds its writes in the page cache
            "max_connections": "200",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in options.items())
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {self.host.rsplit('.', 1)[0]}.0/24 trust\n")
        return self

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "-t", "60", "restart")


def make_cluster(host: str) -> Cluster:
    root = Path(tempfile.mkdtemp(prefix="paperwire-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, OWNER, OWNER)
    cluster = Cluster(host, root).create()
    cluster.start()
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        cluster.stop("immediate")
    shutil.rmtree(cluster.root, ignore_errors=True)
