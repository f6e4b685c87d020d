"""kill -9 at any moment of an OAI-PMH harvest, then the same command again, ends in exactly the
state of an uninterrupted harvest (each page commits together with its resumption token)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from paperwire.storage import migrate
from paperwire.storage.db import make_engine
from tests.functional.test_ingest_crash import kill_repeatedly, snapshot
from tests.httpserver import ScriptedServer, serve

pytestmark = pytest.mark.slow
PAGES, PER_PAGE = 12, 150

RECORD = """<record><header><identifier>oai:arXiv.org:{id}</identifier><datestamp>2024-02-{day:02d}</datestamp>
<setSpec>cs</setSpec></header><metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{id}</id>
<created>2024-01-{day:02d}</created><authors><author><keyname>Writer{n}</keyname><forenames>Ann</forenames></author>
<author><keyname>Common</keyname><forenames>Bob</forenames></author></authors><title>Harvested paper {n}</title>
<categories>cs.LG cs.AI</categories><abstract>Abstract of paper {n}.</abstract></arXiv></metadata></record>"""


def page(number: int) -> str:
    records = "".join(
        RECORD.format(id=f"2402.{number * PER_PAGE + i:05d}", n=number * PER_PAGE + i, day=1 + number % 28)
        for i in range(PER_PAGE)
    )
    token = f"token|{number + 1}" if number + 1 < PAGES else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f'<responseDate>2024-03-01T00:00:00Z</responseDate><request verb="ListRecords">x</request><ListRecords>'
        f'{records}<resumptionToken cursor="{number * PER_PAGE}" completeListSize="{PAGES * PER_PAGE}">{token}'
        "</resumptionToken></ListRecords></OAI-PMH>"
    )


@pytest.fixture
def oai_server() -> Iterator[ScriptedServer]:
    for server in serve():
        server.add("/oai", [(200, {}, page(0))], params={"metadataPrefix": "arXiv"})
        for number in range(1, PAGES):
            server.add("/oai", [(200, {}, page(number))], params={"resumptionToken": f"token|{number}"})
        yield server


def harvest_command(server: ScriptedServer, database_url: str) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(
        PAPERWIRE_DATABASE_URL=database_url,
        PAPERWIRE_ARXIV_OAI_URL=f"{server.url}/oai",
        PAPERWIRE_ARXIV_MIN_INTERVAL_S="0.4",  # slow enough to be killed mid-harvest
    )
    return [sys.executable, "-m", "paperwire", "ingest", "oai", "--set", "cs", "--from", "2024-01-01"], env


def test_kill_9_during_oai_harvest_then_rerun_matches_an_uninterrupted_harvest(
    oai_server: ScriptedServer, tmp_path: Path, database_url: str, engine: Engine
) -> None:
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    reference = make_engine(reference_url)
    migrate.upgrade(reference)
    command, env = harvest_command(oai_server, reference_url)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)

    command, env = harvest_command(oai_server, database_url)
    kills = kill_repeatedly(command, env, times=3, window_s=(1.2, 3.0), seed=11)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)

    assert kills >= 1
    assert snapshot(engine) == snapshot(reference)
    assert len(snapshot(engine)["papers"]) == PAGES * PER_PAGE
    reference.dispose()
