"""One-time messages after a write ("Comment posted."): a signed, short-lived cookie set on the redirect,
shown by the next page that renders base.html (templates call `flash_message(request)`), then cleared.

The cookie is signed with paperwire.signing (salt "flash"), so a crafted cookie shows nothing; it lives
at most FLASH_MAX_AGE_S. `ClearShownFlash` deletes it on the response of the page that showed it, and
only that one: a redirect or a fragment in between leaves it for the page the person actually sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperwire.config import effective_secret
from paperwire.signing import BadLink, sign, unsign
from paperwire.web.deps import settings_of

FLASH_COOKIE = "paperwire_flash"
FLASH_SALT = "flash"
FLASH_MAX_AGE_S = 60
MAX_TEXT = 300
KINDS = ("ok", "error")
_SHOWN = "flash_shown"  # key in the request state (scope["state"]) once a template has shown the flash


@dataclass(frozen=True)
class Flash:
    text: str
    kind: str = "ok"


def flash(request: Request, response: Response, text: str, kind: str = "ok") -> Response:
    """Attach a one-time message to `response` (normally a 303 redirect); returns the response."""
    settings = settings_of(request)
    value = sign(effective_secret(settings), FLASH_SALT, {"t": text[:MAX_TEXT], "k": kind})
    response.set_cookie(
        FLASH_COOKIE,
        value,
        max_age=FLASH_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
        path="/",
    )
    return response


def flash_message(request: Request) -> Flash | None:
    """The valid flash this request carries, if any; marks it shown so the response clears it."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    request.state.flash_shown = True  # shown or invalid: either way the cookie goes
    try:
        value = unsign(effective_secret(settings_of(request)), FLASH_SALT, raw, max_age_s=FLASH_MAX_AGE_S)
    except BadLink:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("t"), str):
        return None
    kind = value.get("k")
    return Flash(value["t"][:MAX_TEXT], kind if kind in KINDS else "ok")


class ClearShownFlash:
    """Pure ASGI middleware: delete the flash cookie on the response of the page that showed it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_clearing(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.get("state", {}).get(_SHOWN):
                headers = MutableHeaders(scope=message)
                sets_new = any(
                    v.startswith(FLASH_COOKIE + "=") for v in headers.getlist("set-cookie")
                )  # a page that shows one flash and sets the next keeps the new one
                if not sets_new:
                    headers.append("set-cookie", f"{FLASH_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=lax")
            await send(message)

        await self.app(scope, receive, send_clearing)
