"""The tested topology: two app hosts and one worker host as network namespaces, one private PostgreSQL.

The namespaces and the cluster live for the session; each test gets a fresh, migrated database and its own
programs on the hosts. Skipped, with the reason, where namespaces or PostgreSQL 15 are not available.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperwire.storage.db import make_engine
from tests.databases import migrated_database
from tests.topology import netns, pgcluster
from tests.topology.hosts import Topology

HOSTS = ("app-1", "app-2", "worker-1")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects: `-m topology` and `-m "not topology"` see the marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = netns.missing_requirement() or pgcluster.missing_requirement()
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.topology)
            # the test process talks to the hosts and the cluster on the private network
            item.add_marker(pytest.mark.allow_hosts(["127.0.0.1", "::1", "localhost", f"{netns.PREFIX}.0.0/16"]))
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"topology tests: {reason}"))


@pytest.fixture(scope="session")
def network() -> Iterator[netns.Network]:
    network = netns.Network().open()
    try:
        for host in HOSTS:
            network.add_host(host)
        yield network
    finally:
        network.close()


@pytest.fixture(scope="session")
def cluster(network: netns.Network) -> Iterator[pgcluster.Cluster]:
    cluster = pgcluster.make_cluster(network.root_address)
    yield cluster
    pgcluster.remove_cluster(cluster)


@pytest.fixture
def topology_url(cluster: pgcluster.Cluster) -> Iterator[str]:
    """A fresh database on the cluster, migrated to the newest schema."""
    with migrated_database(cluster.url(), "topology") as url:
        yield url


@pytest.fixture
def topology_engine(topology_url: str) -> Iterator[Engine]:
    engine = make_engine(topology_url)
    yield engine
    engine.dispose()


@pytest.fixture
def topology(network: netns.Network, topology_url: str, tmp_path: Path) -> Iterator[Topology]:
    topology = Topology(network, topology_url, tmp_path)
    try:
        yield topology
    finally:
        topology.close()
