"""One app host's index older than the database (it was down while papers arrived): it serves, reports its lag
in /healthz, and catches up by itself from the stored vectors, while the other host is current."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import Engine

from tests.topology.hosts import Topology
from tests.unit.community.support import make_paper

OLD, NEW = 10, 4
REFRESH_S = "20"  # the first refresh round comes this long after the start: time to see the lag before it
DEADLINE_S = 120  # an index that never catches up fails the test here; no figure is asserted


def search_ids(base: str, query: str) -> set[str]:
    response = httpx.get(base + "/api/papers/search", params={"q": query}, timeout=15)
    assert response.status_code == 200, response.text
    return {item["paper"]["id"] for item in response.json()}


def index_report(base: str) -> dict[str, Any]:
    response = httpx.get(base + "/healthz", timeout=15)
    assert response.status_code == 200, response.text  # a lagging index still serves
    index: dict[str, Any] = response.json()["index"]
    return index


def test_a_host_with_an_older_index_serves_reports_its_lag_and_catches_up(
    topology: Topology, topology_engine: Engine
) -> None:
    for _ in range(OLD):
        make_paper(topology_engine)
    topology.run("app-2", "index", "update")  # app-2's index, then app-2 goes down while papers arrive
    new = {
        make_paper(topology_engine, title=f"Zebrafish fin regeneration, part {n}", abstract="Zebrafish fins regrow.")
        for n in range(NEW)
    }
    topology.run("worker-1", "index", "update")  # the worker embeds the new papers; their vectors are stored
    _, current = topology.serve("app-1", index_refresh_s=REFRESH_S)
    _, lagging = topology.serve("app-2", build_index=False, index_refresh_s=REFRESH_S)

    assert index_report(current)["lag"] == {"papers": 0, "seconds": 0.0}
    assert search_ids(current, "zebrafish") >= new
    behind = index_report(lagging)
    assert behind["lag"]["papers"] == NEW
    assert behind["seq"] < behind["database_seq"]
    assert not search_ids(lagging, "zebrafish") & new  # it serves the index it has

    started = time.monotonic()
    while index_report(lagging)["lag"]["papers"] and time.monotonic() - started < DEADLINE_S:
        time.sleep(0.5)
    caught_up_s = time.monotonic() - started
    assert index_report(lagging)["lag"] == {"papers": 0, "seconds": 0.0}
    assert search_ids(lagging, "zebrafish") >= new  # without a restart
    print(  # the observation for docs/scaling.md (pytest -rP shows it)
        f"lagging host: {behind}; caught up {caught_up_s:.1f} s after the first look "
        f"(PAPERWIRE_INDEX_REFRESH_S={REFRESH_S})"
    )
