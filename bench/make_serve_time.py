"""Time `make serve` to the first page with papers: a first run on an empty database, then a second run.

Runs the real Makefile target (offline here: arXiv is unreachable, so the first run loads the built-in
sample) against a throw-away database and index, polls / until it shows paper cards, stops the server and
starts it again. The virtualenv and the vendored assets must already exist (`make install katex swagger`),
so the figures are the set-up and start-up, not the package downloads.

    .venv/bin/python bench/make_serve_time.py [--port 8765] [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD = re.compile(r'class="[^"]*\bpaper-card\b')


def _cards(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return len(CARD.findall(response.read().decode("utf-8", "replace")))
    except OSError:
        return 0


def one_run(env: dict[str, str], port: int, timeout_s: float = 600.0) -> tuple[float, int]:
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.monotonic() - started < timeout_s:
            cards = _cards(f"http://127.0.0.1:{port}/")
            if cards:
                return time.monotonic() - started, cards
            if process.poll() is not None:
                raise SystemExit(f"make serve exited with {process.returncode} before serving")
            time.sleep(0.2)
        raise SystemExit(f"no page with papers after {timeout_s:.0f} s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = os.environ | {
            "PAPERWIRE_DATABASE_URL": f"sqlite:///{scratch}/paperwire.db",
            "PAPERWIRE_INDEX_DIR": f"{scratch}/index",
        }
        for run in range(1, args.runs + 1):
            seconds, cards = one_run(env, args.port)
            label = "first" if run == 1 else f"run {run}"
            print(f"{label}: first page with {cards} papers after {seconds:.1f} s (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
