"""Web load benchmark: load the arXiv cs daily listings into a scratch SQLite DB, serve, run wrk.

    .venv/bin/python bench/web_load.py [--db bench/results/web.db] [--workers 2] [--duration 10]

Loads /work/shared/data/arxiv-daily/arxiv-daily-cs_*.jsonl.gz with `paperwire ingest file` (skipped
when the DB already has papers), gives the last 30 days random upvotes, builds a lexical search index
(PAPERWIRE_EMBEDDER=none), starts `paperwire serve`, and prints req/s and p99 per route.
/papers/{id} and /search rotate over thousands of URLs (a Lua script), so they measure cache misses
too; / and /api/daily_papers repeat one URL, as a home page does.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "arxiv-daily"
PAPERWIRE = [sys.executable, "-m", "paperwire"]
ROTATE_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
"""


def run(command: list[str], env: dict[str, str]) -> None:
    print("$", " ".join(command[2:] if command[:2] == PAPERWIRE[:2] else command), flush=True)
    subprocess.run(command, env=env, check=True)


def load(db: Path, env: dict[str, str]) -> None:
    engine = create_engine(f"sqlite:///{db}")
    run([*PAPERWIRE, "db", "upgrade"], env)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM papers")).scalar_one()
    if count == 0:
        for path in sorted(DATA.glob("arxiv-daily-cs_*.jsonl.gz")):
            started = time.perf_counter()
            run([*PAPERWIRE, "ingest", "file", str(path)], env)
            print(f"loaded {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
        with engine.begin() as conn:  # community activity on the last month, so ordering has work to do
            conn.execute(text("UPDATE papers SET upvotes = abs(random()) % 60 WHERE announced >= "
                              "date((SELECT max(announced) FROM papers), '-30 days')"))  # fmt: skip
        run([*PAPERWIRE, "index", "rebuild"], env)
    engine.dispose()


def sample_urls(db: Path, count: int) -> tuple[list[str], list[str]]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM papers ORDER BY random() LIMIT :n"), {"n": count})]
        titles = [r[0] for r in conn.execute(text("SELECT title FROM papers ORDER BY random() LIMIT :n"), {"n": count})]
    engine.dispose()
    words = [w.lower() for t in titles for w in re.findall(r"[A-Za-z]{5,}", t)]
    rng = random.Random(7)
    queries = {f"{rng.choice(words)}+{rng.choice(words)}" for _ in range(count)}
    return [f"/papers/{i}" for i in ids], [f"/search?q={q}" for q in sorted(queries)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_up(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("server did not come up")


def wrk(url: str, path: str, args: argparse.Namespace, script: Path | None = None) -> tuple[float, str]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url + path], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx responses on {path}")
    return rate, p99


def rotating(name: str, paths: list[str], workdir: Path) -> Path:
    listing = workdir / f"{name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = workdir / f"{name}.lua"
    script.write_text(ROTATE_LUA % listing)
    return script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "results" / "web.db")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PAPERWIRE_DATABASE_URL": f"sqlite:///{args.db}", "PAPERWIRE_EMBEDDER": "none",
           "PAPERWIRE_INDEX_DIR": str(args.db.parent / "web-index"), "PAPERWIRE_DEV_MODE": "true"}  # fmt: skip
    load(args.db, env)
    papers, searches = sample_urls(args.db, 5000)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [*PAPERWIRE, "serve", "--port", str(port), "--workers", str(args.workers), "--no-access-log",
             "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(serve, env=env)
    try:
        wait_up(url)
        for path in ("/", "/api/daily_papers", papers[0], searches[0]):
            httpx.get(url + path, timeout=30)  # warm the workers' imports and the search index
        workdir = args.db.parent
        cases = [
            ("/", None),
            ("/api/daily_papers", None),
            (papers[0], None),
            ("/papers/{id} (5000 ids)", rotating("papers", papers, workdir)),
            ("/search?q= (5000 queries)", rotating("search", searches, workdir)),
            ("/trending", None),
            ("/feeds/daily.atom", None),
        ]
        print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.workers} workers")
        print(f"{'route':32} {'req/s':>9} {'p99':>9}")
        for name, script in cases:
            rate, p99 = wrk(url, "/" if script else name, args, script)
            print(f"{name:32} {rate:9.0f} {p99:>9}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
