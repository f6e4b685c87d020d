"""A vote through one app host reaches the other host's cached pages within the documented bound
(docs/web.md, "Caching and performance"): at once for a signed-in reader, within a second for an anonymous
one, whose host reuses the data version for up to a second."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import Engine

from tests.topology.hosts import Topology
from tests.topology.load import api_token
from tests.unit.community.support import make_paper, make_user

BOUND_S = 1.0  # services.data_version's VersionClock(ttl_s=1.0): "a change made through another worker a second late"


def upvotes(base: str, paper_id: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(f"{base}/api/papers/{paper_id}", headers=headers, timeout=15)
    assert response.status_code == 200, response.text
    return int(response.json()["upvotes"])


def test_a_vote_on_one_host_is_on_the_other_hosts_cached_pages_within_the_bound(
    topology: Topology, topology_engine: Engine
) -> None:
    seen_anonymously, seen_signed_in = make_paper(topology_engine, upvotes=0), make_paper(topology_engine, upvotes=0)
    (_, first), (_, second) = topology.serve("app-1"), topology.serve("app-2")
    voter, reader = make_user(topology_engine), make_user(topology_engine)
    voter_token, reader_token = api_token(first, voter["email"]), api_token(second, reader["email"])
    headers = {"Authorization": f"Bearer {voter_token}"}
    assert upvotes(second, seen_anonymously) == upvotes(second, seen_signed_in) == 0  # cached on the second host

    assert httpx.post(f"{first}/api/papers/{seen_anonymously}/vote", headers=headers).json()["upvotes"] == 1
    time.sleep(BOUND_S + 0.2)
    assert upvotes(second, seen_anonymously) == 1  # an anonymous reader: after the bound

    assert httpx.post(f"{first}/api/papers/{seen_signed_in}/vote", headers=headers).json()["upvotes"] == 1
    assert upvotes(second, seen_signed_in, reader_token) == 1  # a signed-in reader re-reads the version: at once
