"""Test data builders: each test makes its own papers."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from paperwire.domain.papers import PaperRecord
from paperwire.ingest.interfaces import Parsed

_numbers = itertools.count(1)


def make_record(**overrides: Any) -> PaperRecord:
    number = next(_numbers)
    values: dict[str, Any] = {
        "id": f"2501.{number:05d}",
        "title": f"Paper number {number} about transformers",
        "abstract": f"We study attention in model {number}. Code: https://github.com/example/repo{number}",
        "authors": ("Ada Lovelace", "Alan Turing"),
        "categories": ("cs.LG", "cs.AI"),
        "version": 1,
        "published": date(2025, 1, 2),
        "announced": date(2025, 1, 3),
        "source": "test",
    }
    values.update(overrides)
    return PaperRecord(**values)


def parsed(*records: PaperRecord) -> list[Parsed]:
    return [Parsed(record=r, position=i + 1) for i, r in enumerate(records)]
