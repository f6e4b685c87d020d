"""Restart PostgreSQL under a load of reads and votes on both app hosts: while it is away every request is
answered 503 with Retry-After (no 500, no hang), the hosts recover by themselves when it is back, and nothing
is half-written (every acknowledged vote counted once, every paper's count equal to its vote rows)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import Engine, func, select

from paperwire.storage.community_tables import users, votes
from paperwire.storage.tables import papers
from paperwire.web.errors import DATABASE_RETRY_AFTER_S
from tests.topology.hosts import Topology
from tests.topology.load import Reader, Tally, api_token
from tests.topology.pgcluster import Cluster
from tests.unit.community.support import make_paper, make_user

READERS = 12
PAPERS = 12
DEADLINE_S = 60  # a host that never answers 503 fails the test here; no figure is asserted


class Outage:
    """Stops the cluster once a third of the votes are in; starts it again once both hosts answered 503
    a few times."""

    def __init__(self, cluster: Cluster, tally: Tally, bases: list[str]) -> None:
        self.cluster, self.tally, self.bases = cluster, tally, bases
        self.begun, self.down_s, self.up_at = threading.Event(), 0.0, 0.0

    def maybe_begin(self) -> None:
        with self.tally.lock:
            due = len(self.tally.acknowledged) >= READERS * PAPERS // 3 and not self.begun.is_set()
            if due:
                self.begun.set()
        if due:
            threading.Thread(target=self._restart, name="outage").start()

    def _both_answered_503(self) -> bool:
        with self.tally.lock:
            return all(self.tally.statuses.get(base, {}).get(503, 0) >= 5 for base in self.bases)

    def _restart(self) -> None:
        started = time.monotonic()
        self.cluster.stop("fast")  # clients disconnected, transactions in flight rolled back
        try:
            while not self._both_answered_503() and time.monotonic() - started < DEADLINE_S:
                time.sleep(0.1)
        finally:
            self.cluster.start()
            self.up_at = time.monotonic()
            self.down_s = self.up_at - started


def test_a_database_restart_is_503_then_recovery_with_nothing_half_written(
    topology: Topology, topology_engine: Engine, cluster: Cluster
) -> None:
    paper_ids = [make_paper(topology_engine) for _ in range(PAPERS)]
    accounts = [make_user(topology_engine) for _ in range(READERS)]
    (first, first_base), (second, second_base) = topology.serve("app-1"), topology.serve("app-2")
    bases = [first_base, second_base]
    tally = Tally()
    readers = [
        Reader(a["email"], api_token(bases[i % 2], a["email"]), bases, tally, turn=i, patient=True)
        for i, a in enumerate(accounts)
    ]
    outage = Outage(cluster, tally, bases)
    with ThreadPoolExecutor(READERS) as pool:
        for job in [pool.submit(reader.run, paper_ids, outage.maybe_begin) for reader in readers]:
            job.result()

    assert outage.begun.is_set()
    assert first.process.poll() is None, first.output()
    assert second.process.poll() is None, second.output()
    for base in bases:
        assert set(tally.statuses[base]) == {200, 503}, tally.statuses  # no 500, no other error
        assert httpx.get(base + "/healthz", timeout=15).json()["database"]["ok"] is True
    assert tally.failures == {}  # both hosts answered throughout: none hung or dropped a connection
    assert {retry_after for _, retry_after in tally.unavailable} == {str(DATABASE_RETRY_AFTER_S)}
    with topology_engine.connect() as conn:
        counted = set(conn.execute(select(users.c.email, votes.c.paper_id).join(users, users.c.id == votes.c.user_id)))
        upvotes = dict(conn.execute(select(papers.c.id, papers.c.upvotes).where(papers.c.id.in_(paper_ids))).all())
        rows = dict(conn.execute(select(votes.c.paper_id, func.count()).group_by(votes.c.paper_id)).all())
    assert counted == tally.acknowledged
    assert len(counted) == READERS * PAPERS
    assert upvotes == rows == dict.fromkeys(paper_ids, READERS)
    slowest = max(seconds for seconds, _ in tally.unavailable)
    recovered = {base: round(tally.first_ok_after(base, outage.up_at), 2) for base in bases}
    print(  # the observation for docs/scaling.md (pytest -rP shows it)
        f"answers: {dict(tally.statuses)}; database away {outage.down_s:.1f} s; {len(tally.unavailable)} "
        f"answers 503, slowest {slowest:.3f} s; first 200 after the restart (s): {recovered}; "
        f"{len(tally.acknowledged)} votes acknowledged, {len(counted)} counted"
    )
