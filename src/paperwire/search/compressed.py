"""Compressed sparse matrices as the query path reads them: three mmap'd arrays and a shape.

A query only slices postings (`indptr`, `indices`, `data`), so loading an index does not import scipy
(~0.2-0.4 s of every cold `paperwire search`); the index builder turns them into scipy matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt


class Postings(Protocol):
    """What the query path uses of a CSR/CSC matrix (scipy's matrices have the same attributes)."""

    @property
    def data(self) -> npt.NDArray[Any]: ...
    @property
    def indices(self) -> npt.NDArray[Any]: ...
    @property
    def indptr(self) -> npt.NDArray[Any]: ...
    @property
    def shape(self) -> tuple[int, int]: ...


@dataclass(frozen=True, eq=False)  # arrays: compare with as_scipy(...) instead
class Compressed:
    data: npt.NDArray[Any]
    indices: npt.NDArray[Any]
    indptr: npt.NDArray[Any]
    shape: tuple[int, int]
    format: str  # "csr" (rows are the slices) or "csc" (columns are)

    def to_scipy(self) -> Any:
        from scipy import sparse

        kind = sparse.csr_matrix if self.format == "csr" else sparse.csc_matrix
        return kind((np.asarray(self.data), np.asarray(self.indices), np.asarray(self.indptr)), shape=self.shape)


def as_scipy(matrix: Any) -> Any:
    """A scipy matrix for building: Compressed is converted, a scipy matrix passes through."""
    return matrix.to_scipy() if isinstance(matrix, Compressed) else matrix
