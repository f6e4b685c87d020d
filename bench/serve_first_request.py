"""First-request latency after `paperwire serve` starts, on the cold-start benchmark's 74,728-paper index.

Usage: python bench/serve_first_request.py [--scratch /tmp/paperwire-cold] [--src DIR] [--port 18010]

Starts `paperwire serve` (code from --src), waits until the port accepts a connection (with the warm-up
lifespan that is after the index and query model are loaded), then times, in order: a search, a second
search, a paper page (which fetches similar papers), a second paper page, and the similar-papers fragment.
Run bench/search_cold.py first to build the scratch database and index.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_for(port: int, server: subprocess.Popen[bytes], timeout_s: float = 600) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s and server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def _stamp(url: str) -> None:
    """The scratch database was made with METADATA.create_all: mark it migrated so `serve` accepts it."""
    from alembic import command

    from paperwire.storage import migrate
    from paperwire.storage.db import make_engine

    engine = make_engine(url)
    if not migrate.current_revisions(engine):
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.stamp(config, "heads")
    engine.dispose()


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        response.read()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/paperwire-cold"))
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    parser.add_argument("--port", type=int, default=18010)
    args = parser.parse_args()
    db = args.scratch / "cold.db"
    _stamp(f"sqlite:///{db}")
    ids = [row[0] for row in sqlite3.connect(db).execute("SELECT id FROM papers ORDER BY seq LIMIT 2 OFFSET 500")]
    env = os.environ | {
        "PYTHONPATH": str(args.src),
        "PAPERWIRE_DATABASE_URL": f"sqlite:///{db}",
        "PAPERWIRE_INDEX_DIR": str(args.scratch / "index"),
        "PAPERWIRE_EMBEDDER": "minilm",
        "PAPERWIRE_DEV_MODE": "1",
    }
    command = [sys.executable, "-m", "paperwire", "serve", "--port", str(args.port), "--no-access-log"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = wait_for(args.port, server)
        base = f"http://127.0.0.1:{args.port}"
        steps = [
            ("first search", f"{base}/search?q=quantization+of+large+language+models"),
            ("second search", f"{base}/search?q=diffusion+video+generation"),
            ("first paper page", f"{base}/papers/{ids[0]}"),
            ("second paper page", f"{base}/papers/{ids[1]}"),
            ("similar fragment", f"{base}/papers/{ids[0]}/similar"),
        ]
        print(f"code: {args.src}; port open after {start:.1f} s; load average {os.getloadavg()}")
        for name, url in steps:
            print(f"{name:18s} {timed_get(url) * 1000:8.0f} ms  {url.removeprefix(base)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
