import os
from pathlib import Path

import pytest

from paperwire.errors import NotFound
from paperwire.search.artifact import CorruptIndex, current_generation, load_index, save_index
from paperwire.search.compressed import as_scipy
from paperwire.search.lazy import LazyVocab
from paperwire.search.service import SearchService


def test_missing_index_says_how_to_build_it(tmp_path: Path):
    with pytest.raises(NotFound, match="index rebuild"):
        load_index(tmp_path / "nothing")


def test_round_trip_keeps_everything(service: SearchService, tmp_path: Path):
    index = service.index()
    loaded = load_index(service._index_dir)
    assert loaded.ids == index.ids
    assert loaded.seq == index.seq
    assert (as_scipy(loaded.tf) != as_scipy(index.tf)).nnz == 0
    assert list(loaded.labels) == list(index.labels)
    assert list(loaded.content_hashes) == list(index.content_hashes)


def test_terms_are_found_by_binary_search_without_building_the_vocabulary(service: SearchService) -> None:
    loaded = load_index(service._index_dir)
    vocab = loaded.lexical.vocab
    assert isinstance(vocab, LazyVocab)
    terms = list(load_index(service._index_dir).lexical.vocab)  # column order, from terms.json
    fresh = load_index(service._index_dir).lexical.vocab
    assert all(fresh[term] == column for column, term in enumerate(terms))
    assert "table" not in vars(fresh)  # every lookup above went through the sorted arrays
    assert fresh.get("zzzz-not-a-term") is None
    assert fresh.get("") is None


def test_a_corrupted_file_is_refused(service: SearchService):
    generation = current_generation(service._index_dir)
    path = generation / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptIndex, match="rebuild"):
        load_index(service._index_dir)


def test_a_crash_before_publishing_leaves_the_old_index(service: SearchService):
    before = current_generation(service._index_dir)
    (service._index_dir / ".building-crashed").mkdir()
    (service._index_dir / ".CURRENT.tmp").write_text("gen-half-written")
    assert current_generation(service._index_dir) == before
    assert load_index(service._index_dir).size == 6


def test_publishing_keeps_the_previous_generation_for_open_readers(service: SearchService):
    first = current_generation(service._index_dir)
    second = save_index(service.index(), service._index_dir)
    third = save_index(service.index(), service._index_dir)
    names = sorted(p.name for p in service._index_dir.iterdir() if p.name.startswith("gen-"))
    assert names == sorted([second.name, third.name])
    assert first.name not in names
    assert not any(p.name.startswith(".building-") for p in service._index_dir.iterdir())
    assert os.path.samefile(current_generation(service._index_dir), third)


def test_a_file_changed_in_the_middle_is_refused_once_its_stamp_differs(service: SearchService):
    generation = current_generation(service._index_dir)
    path = generation / "ids.json"
    text = path.read_text()
    path.write_text(text[:-2] + "X" + text[-1])  # same size; mtime moves, so the full checksum runs
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    with pytest.raises(CorruptIndex, match="rebuild"):
        load_index(service._index_dir)
