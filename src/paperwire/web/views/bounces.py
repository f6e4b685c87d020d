"""The bounce and complaint webhook: POST /api/hooks/bounces, HMAC-signed (digest/bounce_hook.py).

Off (404) unless PAPERWIRE_BOUNCE_WEBHOOK_SECRET is set; unsigned 401; forged, stale or replayed 403.
Not in the OpenAPI schema: it is for the relay's event forwarder, not for API clients.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from paperwire.digest.bounce_hook import HEADER, Unsigned
from paperwire.web.deps import services_of

router = APIRouter(tags=["digests"])


@router.post("/api/hooks/bounces", name="api.hooks.bounces", include_in_schema=False)
async def bounce_hook(request: Request) -> JSONResponse:
    body = await request.body()
    try:
        report = services_of(request).bounces.accept_webhook(
            request.headers.get(HEADER), body, request.headers.get("content-type", "")
        )
    except Unsigned as error:
        raise HTTPException(401, str(error)) from None
    return JSONResponse({"ok": True, **report.as_dict()}, headers={"Cache-Control": "no-store"})
