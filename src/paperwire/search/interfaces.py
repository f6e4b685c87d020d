"""The search backends as Protocols, so the service can take a real model or a test fake."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str:
        """Stored as paper_embeddings.model; change it whenever the vectors would change."""
        ...

    @property
    def dim(self) -> int: ...

    @property
    def min_cosine(self) -> float:
        """The relevance floor: a document under this cosine to the query is not a semantic match."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


class VectorIndex(Protocol):
    """Scores every indexed document against one query vector (cosine, vectors normalised)."""

    def scores(self, query: Vectors) -> npt.NDArray[np.float32]: ...
