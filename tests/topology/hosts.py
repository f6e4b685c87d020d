"""The programs of the tested topology: `paperwire serve` on each app host, `paperwire worker` on the worker
host, each in its own namespace with its own index folder, all on one PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.topology.netns import Network

PAPERWIRE = str(Path(sys.executable).with_name("paperwire"))
REPO = Path(__file__).resolve().parents[2]
APP_PORT = 8000  # every host has its own network stack: the same port on each
START_TIMEOUT_S = 60


def host_environment(database_url: str, workdir: Path, **settings: str) -> dict[str, str]:
    """The environment of one host's programs: PAPERWIRE_* of the test run left out, the rest given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env |= {
        "PAPERWIRE_DATABASE_URL": database_url,
        "PAPERWIRE_INDEX_DIR": str(workdir / "index"),
        "PAPERWIRE_EMBEDDER": "hashing",  # tests' deterministic embedder; embeddings are stored either way
        "PAPERWIRE_MAIL_BACKEND": "memory",
        "PAPERWIRE_BASE_URL": "http://paperwire.test",
        "PAPERWIRE_VOTES_PER_MINUTE": "1000",
    }
    return env | {f"PAPERWIRE_{key.upper()}": value for key, value in settings.items()}


@dataclass
class Program:
    """One program on one host; its output goes to `log`, shown when a test fails."""

    host: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """kill -9: no shutdown handler, no goodbye to the database."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class Topology:
    network: Network
    database_url: str
    workdir: Path
    programs: list[Program] = field(default_factory=list)

    def env(self, host: str, **settings: str) -> dict[str, str]:
        return host_environment(self.database_url, self.workdir / host, **settings)

    def run(self, host: str, *args: str, **settings: str) -> str:
        """Run a `paperwire` command on `host` to its end; returns its output."""
        log = self.workdir / f"{host}-{args[0]}.log"
        with log.open("ab") as out:
            process = self.network.spawn(host, [PAPERWIRE, *args], self.env(host, **settings), out)
            code = process.wait(timeout=300)
        assert code == 0, f"paperwire {' '.join(args)} on {host} exited {code}:\n{log.read_text()[-4000:]}"
        return log.read_text()

    def start(self, host: str, *args: str, **settings: str) -> Program:
        (self.workdir / host).mkdir(parents=True, exist_ok=True)
        log = self.workdir / f"{host}-{args[0]}.log"
        with log.open("ab") as out:
            process = self.network.spawn(host, [PAPERWIRE, *args], self.env(host, **settings), out)
        program = Program(host, process, log)
        self.programs.append(program)
        return program

    def serve(self, host: str, *, build_index: bool = True, **settings: str) -> tuple[Program, str]:
        """Build the host's own index from the database (unless told not to: it serves the index it has),
        then serve; returns the program and its base URL."""
        if build_index:
            self.run(host, "index", "update", **settings)
        address = self.network.hosts[host]
        program = self.start(
            host, "serve", "--host", address, "--port", str(APP_PORT), "--no-access-log", "--log-level", "warning",
            **settings,
        )  # fmt: skip
        base = f"http://{address}:{APP_PORT}"
        wait_until_serving(base, program)
        return program, base

    def close(self) -> None:
        for program in self.programs:
            program.stop()


def wait_until_serving(base: str, program: Program) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if program.process.poll() is not None:
            raise RuntimeError(f"{program.host} exited with {program.process.returncode}:\n{program.output()}")
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{program.host} did not serve within {START_TIMEOUT_S} s:\n{program.output()}")
