"""File formats: detection, parsing, gzip by magic bytes, bad lines, resuming at a byte offset."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from paperwire.domain.papers import PaperRecord, Submitter, VersionRecord
from paperwire.errors import InvalidInput, NotFound
from paperwire.ingest.files import FORMATS, detect_format, read_file
from paperwire.ingest.interfaces import Parsed

FILES = Path(__file__).resolve().parents[2] / "data" / "arxiv" / "files"


def records(items: list[Parsed]) -> list[PaperRecord]:
    return [item.record for item in items if item.record is not None]


def gzipped(source: Path, target: Path) -> Path:
    with source.open("rb") as plain, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(plain, packed)
    return target


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("kaggle.jsonl", "kaggle"),
        ("listing.jsonl", "listing"),
        ("oai_dc.jsonl", "oai-dc"),
        ("hf_daily.json", "hf-daily"),
        ("generic.jsonl", "jsonl"),
    ],
)
def test_format_is_detected_from_the_first_line_even_gzipped_under_any_name(
    name: str, fmt: str, tmp_path: Path
) -> None:
    assert detect_format(FILES / name) == fmt
    assert detect_format(gzipped(FILES / name, tmp_path / "renamed.txt")) == fmt


def test_gzip_and_plain_give_the_same_items(tmp_path: Path) -> None:
    packed = gzipped(FILES / "kaggle.jsonl", tmp_path / "kaggle.jsonl.gz")
    from_gzip, from_plain = list(read_file(packed)), list(read_file(FILES / "kaggle.jsonl"))
    assert [(i.record, i.position) for i in from_gzip] == [(i.record, i.position) for i in from_plain]
    assert [i.error.reason for i in from_gzip if i.error] == [i.error.reason for i in from_plain if i.error]


def test_kaggle_record_has_versions_dates_and_parsed_authors() -> None:
    first, second = records(list(read_file(FILES / "kaggle.jsonl", "kaggle")))
    assert (first.id, first.version, first.source) == ("0704.0001", 2, "kaggle")
    assert first.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.versions == (
        VersionRecord(version=1, date=date(2007, 4, 2)),
        VersionRecord(version=2, date=date(2007, 7, 24)),
    )
    assert (first.published, first.updated) == (date(2007, 4, 2), date(2007, 7, 24))
    assert (first.journal_ref, first.doi, first.license) == (
        "Phys.Rev.D76:013009,2007",
        "10.1103/PhysRevD.76.013009",
        None,
    )
    assert (second.id, second.categories, second.authors) == (
        "math/0406594",
        ("math.CO", "math.NT"),
        ("Ana Souza", "Bruno Lima Jr"),
    )


def test_malformed_lines_and_missing_fields_are_reported_with_file_and_line() -> None:
    items = list(read_file(FILES / "kaggle.jsonl", "kaggle"))
    errors = [str(item.error) for item in items if item.error]
    assert errors[0].startswith(f"{FILES / 'kaggle.jsonl'}:3: malformed JSON")
    assert errors[1] == f"{FILES / 'kaggle.jsonl'}:4: missing title"
    assert len(items) == 4


def test_listing_lines_set_announced_and_skip_blank_lines() -> None:
    items = list(read_file(FILES / "listing.jsonl"))
    first, third = records(items)
    assert (first.announced, first.categories, first.source) == (
        date(2025, 4, 17),
        ("astro-ph.GA", "astro-ph.CO"),
        "listing",
    )
    assert first.abstract.startswith(
        "We conduct high-resolution wind-tunnel simulations to study in-situ star formation"
    )
    assert (third.title, third.authors) == ("Ünïcode in titles", ("Zoë Ångström",))
    assert [str(i.error).rsplit(":", 2)[-2:] for i in items if i.error] == [["3", " missing summary"]]


def test_oai_dc_maps_subjects_creators_comment_doi_and_dates() -> None:
    items = list(read_file(FILES / "oai_dc.jsonl", "oai-dc"))
    first, second = records(items)
    assert first.categories == ("q-bio.OT", "cs.LG")
    assert first.authors == ("Greg J Stephens", "Bethany Johnson-Kerner")
    assert first.comment == "9 pages, 6 figures, minor corrections"
    assert first.abstract.startswith("A major challenge in analyzing animal behavior")
    assert (first.doi, first.journal_ref) == (
        "10.1371/journal.pcbi.1000028",
        "PLoS Comput Biol 4(4): e1000028 (2008)",
    )
    assert (first.published, first.updated, first.version) == (date(2007, 5, 11), date(2007, 5, 16), 2)
    assert second.categories == ("math.PR", "cond-mat.mtrl-sci")
    assert items[2].error is not None
    assert items[2].error.reason == "missing description"


def test_hf_daily_array_carries_upvotes_submitter_and_resume_positions() -> None:
    items = list(read_file(FILES / "hf_daily.json"))
    first, second = records(items)
    assert (first.id, first.upvotes, first.submitted_by, first.submitted_on) == (
        "2401.12345",
        42,
        "nielsr",
        date(2024, 1, 23),
    )
    assert (first.published, first.authors, first.extra) == (
        date(2024, 1, 22),
        ("Priya Raman", "Tomás Herrera"),
        {"num_comments": "3"},
    )
    assert first.submitter == Submitter("nielsr", "Niels R.", "https://example.org/a.png", True, "user", "60f2")
    assert (first.num_comments, first.github_repo, first.project_page) == (
        3,
        "https://github.com/example/tokfree",
        "https://example.github.io/tokfree",
    )
    assert first.submitted_at == datetime(2024, 1, 23, 1, 23, 45, tzinfo=UTC)  # the time, not midnight
    assert first.published_at == datetime(2024, 1, 22, 18, 59, 59, tzinfo=UTC)
    assert (second.submitted_by, second.upvotes, second.submitter) == (None, 7, None)
    assert items[2].error is not None
    assert items[2].error.line == 3
    data = (FILES / "hf_daily.json").read_bytes()
    assert data[items[0].position - 1 : items[0].position] == b"}"
    assert records(list(read_file(FILES / "hf_daily.json", start_position=items[0].position))) == [second]


def test_generic_jsonl_accepts_prefixed_ids_and_rejects_bare_ones() -> None:
    items = list(read_file(FILES / "generic.jsonl", "jsonl"))
    arxiv, kdd = records(items)
    assert (arxiv.id, arxiv.version, arxiv.authors) == (
        "2401.12345",
        2,
        ("Priya Raman", "Tomás Herrera", "Li Na"),
    )
    assert (arxiv.categories, arxiv.published, arxiv.updated) == (
        ("cs.CL", "cs.LG"),
        date(2024, 1, 19),
        date(2024, 1, 25),
    )
    assert (kdd.id, kdd.version, kdd.authors, kdd.announced) == (
        "doi:10.1145/3580305.3599999",
        1,
        ("Priya Raman",),
        date(2023, 8, 7),
    )
    reasons = [item.error.reason for item in items if item.error]
    assert "not an arXiv id; prefix other ids" in reasons[0]
    assert reasons[1] == "published: expected YYYY-MM-DD, got '19 Jan 2024'"


@pytest.mark.parametrize("packed", [False, True])
def test_resume_from_a_position_continues_after_the_last_committed_line(packed: bool, tmp_path: Path) -> None:
    path = gzipped(FILES / "listing.jsonl", tmp_path / "l.gz") if packed else FILES / "listing.jsonl"
    items = list(read_file(path, "listing"))
    resumed = list(read_file(path, "listing", start_position=items[0].position))
    assert resumed == items[1:]
    assert resumed[0].error is not None
    assert resumed[0].error.line == 3
    assert list(read_file(path, "listing", start_position=items[-1].position)) == []


def test_missing_file_is_not_found() -> None:
    with pytest.raises(NotFound, match=r"nope\.jsonl"):
        read_file(FILES / "nope.jsonl")
    with pytest.raises(NotFound, match=r"nope\.jsonl"):
        detect_format(FILES / "nope.jsonl")


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInput, match="valid formats: auto, kaggle, listing, oai-dc, hf-daily, jsonl"):
        read_file(FILES / "listing.jsonl", "csv")
    assert FORMATS == ("kaggle", "listing", "oai-dc", "hf-daily", "jsonl")


@pytest.mark.parametrize("content", ["id,title\n1,x\n", '\n\n{"foo": 1}\n', ""])
def test_undetectable_format_names_the_file(content: str, tmp_path: Path) -> None:
    path = tmp_path / "mystery.jsonl"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=r"mystery\.jsonl: cannot detect the format"):
        read_file(path)


def test_truncated_gzip_is_reported_after_the_good_lines(tmp_path: Path) -> None:
    packed = gzipped(FILES / "listing.jsonl", tmp_path / "l.gz").read_bytes()
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(packed[: len(packed) - 12])
    stream = read_file(truncated, "listing")
    with pytest.raises(InvalidInput, match=r"truncated\.gz: damaged gzip data"):
        list(stream)
