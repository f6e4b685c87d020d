"""kill -9 one app host during a load of reads and votes: the other host serves with zero errors, and every
acknowledged vote is counted exactly once (none lost, none doubled)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, select

from paperwire.storage.community_tables import users, votes
from paperwire.storage.tables import papers
from tests.topology.hosts import Topology
from tests.topology.load import Reader, Tally, api_token
from tests.unit.community.support import make_paper, make_user

READERS = 16
PAPERS = 12


def test_killing_one_app_host_loses_no_vote_and_the_other_serves_without_error(
    topology: Topology, topology_engine: Engine
) -> None:
    paper_ids = [make_paper(topology_engine) for _ in range(PAPERS)]
    accounts = [make_user(topology_engine) for _ in range(READERS)]
    doomed, (survivor, survivor_base) = topology.serve("app-1"), topology.serve("app-2")
    doomed_program, doomed_base = doomed
    bases = [doomed_base, survivor_base]
    tally = Tally()
    readers = [
        Reader(a["email"], api_token(bases[i % 2], a["email"]), bases, tally, turn=i) for i, a in enumerate(accounts)
    ]
    half, killed = READERS * PAPERS // 2, threading.Event()

    def kill_at_half() -> None:
        with tally.lock:
            due = len(tally.acknowledged) >= half and not killed.is_set()
            if due:
                killed.set()
        if due:
            doomed_program.kill()

    with ThreadPoolExecutor(READERS) as pool:
        for job in [pool.submit(reader.run, paper_ids, kill_at_half) for reader in readers]:
            job.result()

    assert killed.is_set()
    assert survivor.process.poll() is None, survivor.output()
    assert tally.errors_on(survivor_base) == 0, (tally.statuses, tally.failures)
    assert tally.failovers > 0, "no request met the dead host: the kill came too late to test anything"
    assert set(tally.statuses[doomed_base]) == {200}  # before it died, it answered like the survivor
    with topology_engine.connect() as conn:
        counted = set(conn.execute(select(users.c.email, votes.c.paper_id).join(users, users.c.id == votes.c.user_id)))
        upvotes = dict(conn.execute(select(papers.c.id, papers.c.upvotes).where(papers.c.id.in_(paper_ids))).all())
    assert len(tally.acknowledged) == READERS * PAPERS
    assert counted == tally.acknowledged
    assert upvotes == dict.fromkeys(paper_ids, READERS)
    print(  # the observation for docs/scaling.md (pytest -rP shows it)
        f"answers: {dict(tally.statuses)}; failed over after: "
        f"{ {base: Counter(errors) for base, errors in tally.failures.items()} }; "
        f"{len(tally.acknowledged)} votes acknowledged, {len(counted)} counted"
    )
