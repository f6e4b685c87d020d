"""Query parameters that publish their rule: the OpenAPI schema says what the builders accept.

The builders check their input and answer 400 in the one error shape with their own message (so the rule is
not FastAPI's 422); these helpers only write the same rule into /openapi.json (`enum`, `minimum`/`maximum`,
`pattern`), from the builders' own constants, so the API's description and its behaviour are one truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Query


def choice(default: str, choices: Sequence[str], description: str | None = None) -> Any:
    """A string parameter that must be one of `choices`."""
    return Query(default, description=description or " | ".join(choices), json_schema_extra={"enum": list(choices)})


def one_of(default: int, choices: Sequence[int], description: str | None = None) -> Any:
    """An integer parameter that must be one of `choices`."""
    text = description or " | ".join(str(c) for c in choices)
    return Query(default, description=text, json_schema_extra={"enum": list(choices)})


def bounded(default: int, low: int, high: int, description: str) -> Any:
    """An integer parameter in low..high."""
    return Query(default, description=description, json_schema_extra={"minimum": low, "maximum": high})


def matching(pattern: str, description: str) -> Any:
    """An optional string parameter that must match `pattern` when given."""
    return Query(None, description=description, json_schema_extra={"pattern": pattern})
