"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from paperwire.storage.db import ping
from paperwire.web.deps import EngineDep

router = APIRouter()


@router.get("/api/health", name="api.health", tags=["meta"])
def health(engine: EngineDep) -> dict[str, object]:
    """200 when the database answers."""
    ping(engine)
    return {"ok": True}
