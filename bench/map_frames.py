"""Browser frame time while panning a 300,000-point topic map (issue 15): Playwright + Debian's Chromium.

Writes a synthetic map of N points (Gaussian blobs, 120 topics: drawing cost depends on the number of
points, not on where they came from) into a temporary index directory, serves it with uvicorn, opens
/map, pans one step per animation frame and records (a) map.js's own render time per frame (its
ImageData fill + putImageData + labels, performance.now around render()) and (b) the interval between
animation frames. Headless Chromium with --disable-gpu: the canvas is software-rendered.

    .venv/bin/python bench/map_frames.py --points 300000 --frames 240
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
import numpy as np

from paperwire.topics.artifact import save_map
from paperwire.topics.model import Topic, TopicMap

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PAN = """async (frames) => {
  const map = window.paperwireMap; map.state.frames.length = 0;
  const gaps = []; let last = performance.now();
  for (let i = 0; i < frames; i++) {
    map.pan(i % 120 < 60 ? 4 : -4, i % 80 < 40 ? 3 : -3);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now(); gaps.push(now - last); last = now;
  }
  return {render: map.state.frames.slice(-frames), gaps};
}"""


def synthetic_map(points: int, topics: int = 120, seed: int = 0) -> TopicMap:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.1, 0.9, (topics, 2))
    topic = rng.integers(0, topics, points).astype(np.int16)
    xy = np.clip(centres[topic] + rng.normal(0, 0.03, (points, 2)), 0, 1).astype(np.float32)
    day = date(2026, 6, 30).toordinal()
    return TopicMap(
        ids=[f"2606.{i:06d}" for i in range(points)],
        dates=(day - rng.integers(0, 90, points)).astype(np.int32),
        xy=xy,
        topic=topic,
        topics=[
            Topic(t, f"topic {t} words", ["topic", "words"], int((topic == t).sum()), *map(float, centres[t]), [])
            for t in range(topics)
        ],
        centroids=np.eye(topics, 8, dtype=np.float32),
        built=points,
        seq=1,
        days=90,
        reducer="synthetic",
        built_at="2026-12-02T00:00:00+00:00",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=300_000)
    parser.add_argument("--frames", type=int, default=240)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "PAPERWIRE_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "PAPERWIRE_INDEX_DIR": f"{tmp}/index",
            "PAPERWIRE_EMBEDDER": "none",
        }
        subprocess.run([sys.executable, "-m", "paperwire", "db", "upgrade"], env=env, check=True, capture_output=True)
        save_map(synthetic_map(args.points), f"{tmp}/index")
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "paperwire.web.asgi:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(url + "/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            size = len(httpx.get(url + "/api/map/points.bin", timeout=30).content)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                started = time.perf_counter()
                page.goto(url + "/map")
                page.wait_for_function("() => document.getElementById('map').dataset.ready === '1'", timeout=120_000)
                ready_s = time.perf_counter() - started
                result = page.evaluate(PAN, args.frames)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    render, gaps = sorted(result["render"]), sorted(result["gaps"])
    print(
        json.dumps(
            {
                "points": args.points,
                "frames": args.frames,
                "points_bin_bytes": size,
                "page_to_ready_s": round(ready_s, 2),
                "render_ms": {
                    "median": round(statistics.median(render), 1),
                    "p95": round(render[int(0.95 * len(render)) - 1], 1),
                    "max": round(render[-1], 1),
                },
                "frame_interval_ms": {
                    "median": round(statistics.median(gaps), 1),
                    "p95": round(gaps[int(0.95 * len(gaps)) - 1], 1),
                },
                "load_avg": [round(x, 2) for x in os.getloadavg()],
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
