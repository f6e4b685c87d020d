"""One app host cut off from PostgreSQL by a black hole (its packets dropped, nothing answered: no refusal,
no reset), the hardest outage for a client, which can only wait: that host answers 503 with Retry-After within
its connect timeout and TCP user timeout (no hang, no 500), /healthz says the database is away, the other host
keeps serving and voting, nothing is half-written, and once the network is back the host recovers by itself."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import Engine, select

from paperwire.storage.community_tables import users, votes
from paperwire.storage.tables import papers
from paperwire.web.errors import DATABASE_RETRY_AFTER_S
from tests.topology.hosts import Topology
from tests.topology.load import api_token
from tests.topology.netns import Network
from tests.unit.community.support import make_paper, make_user

CONNECT_TIMEOUT_S = 2  # so libpq's tcp_user_timeout is 4 s (storage/db.py `_unreachable_fast`)
BOUND_S = 3 * CONNECT_TIMEOUT_S + 4  # a dead pooled connection (4 s) and one new attempt (2 s), with slack
RECOVERY_S = 60


def _client(network: Network, base: str, token: str) -> httpx.Client:
    """A client whose packets come from the network's client address, not from the black-holed one."""
    transport = httpx.HTTPTransport(local_address=network.client_address)
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60, transport=transport)


def _voters(engine: Engine, email: str) -> set[str]:
    with engine.connect() as conn:
        query = select(votes.c.paper_id).join(users, users.c.id == votes.c.user_id).where(users.c.email == email)
        return set(conn.scalars(query))


def test_a_host_cut_off_from_the_database_answers_503_quickly_and_recovers_by_itself(
    topology: Topology, topology_engine: Engine, network: Network
) -> None:
    paper_ids = [make_paper(topology_engine) for _ in range(8)]
    cut_reader, other_reader = make_user(topology_engine), make_user(topology_engine)
    timeout = {"database_connect_timeout_s": str(CONNECT_TIMEOUT_S)}
    (cut, cut_base), (other, other_base) = topology.serve("app-1", **timeout), topology.serve("app-2", **timeout)
    to_cut = _client(network, cut_base, api_token(cut_base, cut_reader["email"]))
    to_other = _client(network, other_base, api_token(other_base, other_reader["email"]))
    database = network.root_address
    try:
        assert to_cut.post(f"/api/papers/{paper_ids[0]}/vote").status_code == 200  # the pool holds a connection

        network.black_hole("app-1", database)
        try:
            answers = []
            for paper_id in paper_ids[1:5]:
                started = time.monotonic()
                vote = to_cut.post(f"/api/papers/{paper_id}/vote")
                answers.append((vote.status_code, vote.headers.get("retry-after"), time.monotonic() - started))
                assert to_other.post(f"/api/papers/{paper_id}/vote").status_code == 200  # the other host votes on
            started = time.monotonic()
            health = to_cut.get("/healthz")
            health_s = time.monotonic() - started
        finally:
            network.mend("app-1", database)

        assert [(status, retry) for status, retry, _ in answers] == [(503, str(DATABASE_RETRY_AFTER_S))] * 4, answers
        assert max(seconds for _, _, seconds in answers) <= BOUND_S, answers
        assert health.status_code == 503, health.text
        assert health.json()["database"]["ok"] is False, health.text
        assert health_s <= CONNECT_TIMEOUT_S + 3, health_s

        deadline, mended = time.monotonic() + RECOVERY_S, time.monotonic()
        while (vote := to_cut.post(f"/api/papers/{paper_ids[5]}/vote")).status_code != 200:
            assert vote.status_code == 503, vote.text
            assert time.monotonic() < deadline, f"app-1 still answers 503 {RECOVERY_S} s after the network came back"
            time.sleep(0.5)
        recovered_s = time.monotonic() - mended
        assert to_cut.get("/healthz").json()["database"]["ok"] is True
    finally:
        to_cut.close()
        to_other.close()

    assert cut.process.poll() is None, cut.output()
    assert other.process.poll() is None, other.output()
    # Nothing half-written: the votes answered 503 are not there, the acknowledged ones are, each once.
    assert _voters(topology_engine, cut_reader["email"]) == {paper_ids[0], paper_ids[5]}
    assert _voters(topology_engine, other_reader["email"]) == set(paper_ids[1:5])
    with topology_engine.connect() as conn:
        upvotes = dict(conn.execute(select(papers.c.id, papers.c.upvotes).where(papers.c.id.in_(paper_ids))).all())
    assert upvotes == {
        paper_ids[0]: 1,
        **dict.fromkeys(paper_ids[1:5], 1),
        paper_ids[5]: 1,
        **dict.fromkeys(paper_ids[6:], 0),
    }
    print(  # the observation for docs/scaling.md (pytest -rP shows it)
        f"black hole: votes answered 503 in {[round(s, 2) for _, _, s in answers]} s; /healthz 503 in "
        f"{health_s:.2f} s; first 200 {recovered_s:.2f} s after the network came back"
    )
