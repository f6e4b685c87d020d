"""Liveness and readiness: GET /healthz for load balancers and operators, GET /api/health its API twin.

Both render web/builders/health.py's one report. The check runs in a thread with a deadline a little
past PAPERWIRE_DATABASE_CONNECT_TIMEOUT_S, so even a database host gone from the network gets a 503
in seconds rather than a hung health check.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from paperwire.web import schema
from paperwire.web.builders.health import build_health, build_unanswered
from paperwire.web.deps import services_of

router = APIRouter(tags=["meta"])
RESPONSES: dict[int | str, dict[str, object]] = {503: {"model": schema.HealthReport}}


async def _answer(request: Request) -> JSONResponse:
    services = services_of(request)
    deadline_s = services.settings.database_connect_timeout_s + 1.0
    try:
        report = await asyncio.wait_for(run_in_threadpool(build_health, services), deadline_s)
    except TimeoutError:
        report = await run_in_threadpool(build_unanswered, services, deadline_s)
    return JSONResponse(report, status_code=report["status"], headers={"Cache-Control": "no-store"})


@router.get("/healthz", name="healthz", response_model=schema.HealthReport, responses=RESPONSES)
async def healthz(request: Request) -> JSONResponse:
    """200 while the database answers (a lagging index reports `index.lag` and still serves); 503 when
    it does not."""
    return await _answer(request)


@router.get("/api/health", name="api.health", response_model=schema.HealthReport, responses=RESPONSES)
async def health(request: Request) -> JSONResponse:
    """The same report as /healthz."""
    return await _answer(request)
