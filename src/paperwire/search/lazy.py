"""Index parts a query rarely needs, read from disk on first use, and a term lookup without a dict.

A cold `paperwire search` needs the column of each query term, not the 190k-term vocabulary as a dict
(~0.2 s to parse and build at 74k papers), nor the paper hashes, term labels or author vocabulary. The
vocabulary is also written sorted (one utf-8 blob, offsets, columns: `sorted_vocab`), so a term is found
by binary search over the mmap'd arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, overload

import numpy as np
import numpy.typing as npt


class LazyList(Sequence[str]):
    """A list of strings loaded by `load` on first use."""

    def __init__(self, load: Callable[[], list[str]]) -> None:
        self._load = load

    @cached_property
    def items(self) -> list[str]:
        return self._load()

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)


class LazyVocab(Mapping[str, int]):
    """term -> column. Lookups use the sorted arrays when there are any; iterating, len() and lookups
    without them load the full list (in column order) once."""

    def __init__(self, load: Callable[[], list[str]], sorted_vocab: tuple[Any, Any, Any] | None = None) -> None:
        self._load = load
        self._sorted = sorted_vocab

    @cached_property
    def terms(self) -> list[str]:
        return self._load()

    @cached_property
    def table(self) -> dict[str, int]:
        return dict(zip(self.terms, range(len(self.terms)), strict=True))

    def __getitem__(self, term: str) -> int:
        if self._sorted is None or "table" in self.__dict__:
            return self.table[term]
        column = find_sorted(*self._sorted, term)
        if column is None:
            raise KeyError(term)
        return column

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


def sorted_vocab(terms: Sequence[str]) -> dict[str, npt.NDArray[Any]]:
    """The arrays `find_sorted` searches: utf-8 of the sorted terms, their offsets, their columns."""
    order = sorted(range(len(terms)), key=lambda column: terms[column].encode())
    encoded = [terms[column].encode() for column in order]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return {
        "vocab_blob": np.frombuffer(b"".join(encoded), np.uint8),
        "vocab_offsets": offsets,
        "vocab_columns": np.asarray(order, np.int32),
    }


def find_sorted(blob: npt.NDArray[Any], offsets: npt.NDArray[Any], columns: npt.NDArray[Any], term: str) -> int | None:
    """Binary search of `term` in the sorted arrays; its column, or None."""
    key, low, high = term.encode(), 0, len(columns)
    while low < high:
        middle = (low + high) // 2
        found = bytes(blob[offsets[middle] : offsets[middle + 1]])
        if found == key:
            return int(columns[middle])
        if found < key:
            low = middle + 1
        else:
            high = middle
    return None
