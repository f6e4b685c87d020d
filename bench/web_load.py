"""Web load benchmark: load the arXiv cs daily listings into a scratch SQLite DB, serve, run wrk.

    .venv/bin/python bench/web_load.py [--db bench/results/web.db | --database-url postgresql://...]
        [--workers 2] [--duration 10] [--connections 4,8,16,32] [--load-only]

Loads /work/shared/data/arxiv-daily/arxiv-daily-cs_*.jsonl.gz with `paperwire ingest file` (skipped
when the DB already has papers), gives the last 30 days random upvotes, builds a lexical search index
(PAPERWIRE_EMBEDDER=none), starts `paperwire serve`, and prints req/s, p50 and p99 per route for each
connection count. /papers/{id} and /search rotate over thousands of URLs (a Lua script), so they
measure cache misses too; / and /api/daily_papers repeat one URL, as a home page does.

Connections: with 2 workers on 2 cores, -c32 keeps ~30 requests queued, so its p99 is mostly queueing
time (p99 ~ queue length x service time). The lower counts show the latency at a given throughput;
report the whole curve. wrk shares the 2 cores with the server, and the load average is printed.
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


RECENT_VOTES = {  # community activity on the last month, so ordering has work to do
    "sqlite": "UPDATE papers SET upvotes = abs(random()) % 60 WHERE announced >= "
    "date((SELECT max(announced) FROM papers), '-30 days')",
    "postgresql": "UPDATE papers SET upvotes = floor(random() * 60)::int WHERE announced >= "
    "(SELECT max(announced) FROM papers) - 30",
}


# The cs listings put MSC codes ('68T05, 68T07 (Primary)') in the category field and the ingest keeps
# them as categories; PostgreSQL enforces varchar(32), SQLite does not. Until the ingest drops them,
# widen the columns in the scratch database so the benchmark can load the same data as on SQLite.
WIDEN_CATEGORIES = (
    "ALTER TABLE paper_categories ALTER COLUMN category_id TYPE varchar(255)",
    "ALTER TABLE categories ALTER COLUMN id TYPE varchar(255)",
    "ALTER TABLE categories ALTER COLUMN archive TYPE varchar(255)",
)


def load(url: str, env: dict[str, str]) -> None:
    engine = create_engine(url)
    run([*PAPERWIRE, "db", "upgrade"], env)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for statement in WIDEN_CATEGORIES:
                conn.execute(text(statement))
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM papers")).scalar_one()
    if count == 0:
        for path in sorted(DATA.glob("arxiv-daily-cs_*.jsonl.gz")):
            started = time.perf_counter()
            run([*PAPERWIRE, "ingest", "file", str(path)], env)
            print(f"loaded {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
        with engine.begin() as conn:
            conn.execute(text(RECENT_VOTES[engine.dialect.name]))
        run([*PAPERWIRE, "index", "rebuild"], env)
    engine.dispose()


def sample_urls(url: str, count: int) -> tuple[list[str], list[str]]:
    engine = create_engine(url)
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


GZIP_SUFFIX = " (gzip)"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wrk(
    url: str, path: str, args: argparse.Namespace, connections: int, script: Path | None = None
) -> tuple[float, str, str]:
    threads = min(args.threads, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{args.duration}s", "--latency"]
    if path.endswith(GZIP_SUFFIX):  # what browsers send; the cached page is compressed once, not per request
        path = path.removesuffix(GZIP_SUFFIX)
        command += ["-H", "Accept-Encoding: gzip"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url + path], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx responses on {path}")
    return rate, p50, p99


def rotating(name: str, paths: list[str], workdir: Path) -> Path:
    listing = workdir / f"{name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = workdir / f"{name}.lua"
    script.write_text(ROTATE_LUA % listing)
    return script


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "results" / "web.db")
    parser.add_argument("--database-url", help="instead of --db, e.g. postgresql://postgres@127.0.0.1/scratch")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", default="4,8,16,32", help="comma-separated wrk -c values")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--routes", default="", help="only routes whose name contains one of these (comma-separated)")
    parser.add_argument("--load-only", action="store_true", help="load the data and build the index, then stop")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    db_url = args.database_url or f"sqlite:///{args.db}"
    index_dir = args.db.parent / ("web-index" if args.database_url is None else "web-index-" + db_url.rsplit("/", 1)[1])
    env = {
        **os.environ,
        "PAPERWIRE_DATABASE_URL": db_url,
        "PAPERWIRE_EMBEDDER": "none",
        "PAPERWIRE_INDEX_DIR": str(index_dir),
        "PAPERWIRE_DEV_MODE": "true",
    }
    load(db_url, env)
    if args.load_only:
        return
    papers, searches = sample_urls(db_url, 5000)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [
        *PAPERWIRE,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(serve, env=env)
    try:
        wait_up(url)
        for path in ("/", "/api/daily_papers", papers[0], searches[0]):
            httpx.get(url + path, timeout=30)  # warm the workers' imports and the search index
        workdir = args.db.parent
        cases = [
            ("/", None),
            ("/api/daily_papers", None),
            ("/" + GZIP_SUFFIX, None),
            ("/api/daily_papers" + GZIP_SUFFIX, None),
            (papers[0], None),
            ("/papers/{id} (5000 ids)", rotating("papers", papers, workdir)),
            (
                "/papers/{id}/similar?partial=1 (5000)",
                rotating("similar", [f"{p}/similar?partial=1" for p in papers], workdir),
            ),
            ("/search?q= (5000 queries)", rotating("search", searches, workdir)),
            ("/trending", None),
            ("/feeds/daily.atom", None),
        ]
        wanted = [r for r in args.routes.split(",") if r]
        cases = [c for c in cases if not wanted or any(w == c[0] or (w != "/" and w in c[0]) for w in wanted)]
        print(f"\n{db_url.split(':', 1)[0]}, {args.workers} workers, wrk -t{args.threads} -d{args.duration}s per run")
        print(f"{'route':40} {'conns':>5} {'req/s':>8} {'p50':>9} {'p99':>9}  load avg")
        for name, script in cases:
            for connections in (int(c) for c in args.connections.split(",")):
                rate, p50, p99 = wrk(url, "/" if script else name, args, connections, script)
                print(f"{name:40} {connections:5} {rate:8.0f} {p50:>9} {p99:>9}  {load_average()}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
