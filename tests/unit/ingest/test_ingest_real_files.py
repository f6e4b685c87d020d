"""The real data files in ../shared/data parse cleanly (skipped where that folder is absent)."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from paperwire.ingest.files import detect_format, read_file

SHARED_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
CS_LISTING = SHARED_DATA / "arxiv-daily" / "arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
REAL_FILES = [
    ("listing", CS_LISTING),
    ("listing", SHARED_DATA / "arxiv-daily" / "arxiv-daily-astro-ph_2025-04-17_2026-04-24.jsonl.gz"),
    ("oai-dc", SHARED_DATA / "arxiv-oai-dc-2016-2017" / "2016" / "2016-11-15.json.gz"),
    ("oai-dc", SHARED_DATA / "arxiv-oai-dc-2016-2017" / "2017" / "2017-03-01.json.gz"),
]


def require(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path


@pytest.mark.parametrize(("fmt", "path"), REAL_FILES, ids=lambda value: getattr(value, "name", value))
def test_first_2000_lines_of_real_files_parse_without_errors(fmt: str, path: Path) -> None:
    require(path)
    assert detect_format(path) == fmt
    items = list(islice(read_file(path), 2000))
    assert [str(item.error) for item in items if item.error] == []
    for item in items:
        record = item.record
        assert record is not None
        assert record.id
        assert record.title
        assert record.abstract
        assert record.categories
        assert "\n" not in record.title
    positions = [item.position for item in items]
    assert positions == sorted(set(positions))


def test_resuming_a_real_gzip_file_matches_a_straight_read() -> None:
    path = require(CS_LISTING)
    head = list(islice(read_file(path, "listing"), 600))
    resumed = list(islice(read_file(path, "listing", start_position=head[299].position), 300))
    assert resumed == head[300:]


@pytest.mark.slow
def test_whole_cs_listing_parses_every_record() -> None:
    """Every line of the real listing is a record. Its speed is measured in bench/ (docs/benchmarks.md),
    not asserted here: the machine is shared and a timed assertion only measures the neighbours."""
    path = require(CS_LISTING)
    count = sum(1 for item in read_file(path, "listing") if item.record is not None)
    assert count == 74_728
