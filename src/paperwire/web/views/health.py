"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

router = APIRouter()


@router.get("/api/health", name="api.health", tags=["meta"])
def health(request: Request) -> dict[str, object]:
    """200 when the database answers."""
    with request.app.state.services.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"ok": True}
