"""Digest subscriptions: subscribe, confirm (POST only), preferences, one-click unsubscribe, admin preview.

No cookies: every state-changing POST carries a signed token in its URL, which is also its CSRF protection.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paperwire.digest import links
from paperwire.digest.compose import body_of
from paperwire.digest.preferences import WEEKDAYS, Sections, parse_form, typed_lists
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.digest.tokens import is_admin_token
from paperwire.domain import emails
from paperwire.errors import InvalidInput, PermissionDenied
from paperwire.storage.subscribers import ACTIVE, Subscriber
from paperwire.storage.users import User
from paperwire.web.builders.periods import parse_day
from paperwire.web.deps import DigestDep, subscriptions_of, templates_of
from paperwire.web.flash import Flash, flash
from paperwire.web.views.accounts import LoggedIn, PageAuth, send_later

router = APIRouter(tags=["digests"])
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _service(request: Request) -> SubscriptionService:
    return subscriptions_of(request)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates_of(request).TemplateResponse(
        request, f"subscribe/{name}.html", context, status_code=status, headers=NO_STORE
    )


@router.get("/subscribe", name="subscribe.form", response_class=HTMLResponse)
def subscribe_form(request: Request) -> Response:
    return _page(request, "form", {"error": None, "email": ""})


@router.post("/subscribe", name="subscribe.request", response_class=HTMLResponse, openapi_extra=emails.form_schema())
def subscribe(request: Request, tasks: BackgroundTasks, email: str = Form("", include_in_schema=False)) -> Response:
    """Always the same answer for a valid address: new, pending, subscribed or rate-limited, SMTP up or down.
    The confirmation e-mail goes out after the response, as account mail does, so neither the status nor
    the time taken says anything about the address."""
    try:
        messages = _service(request).request(email, client=request.client.host if request.client else "unknown")
    except InvalidInput as error:
        return _page(request, "form", {"error": str(error), "email": email[:254]}, status=400)
    send_later(request, tasks, messages)
    return _page(request, "check_inbox", {"flash": Flash("Almost done: check your inbox for the confirmation link.")})


@router.get("/subscribe/confirm/{token}", name="subscribe.confirm_page", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> Response:
    """Shows a button only: mail scanners that follow links must not confirm anything."""
    return _page(request, "confirm", {"action": request.url.path})


@router.post("/subscribe/confirm/{token}", name="subscribe.confirm", response_class=HTMLResponse)
def confirm(request: Request, token: str) -> Response:
    service = _service(request)
    subscriber = service.confirm(token)
    context = {"manage_url": links.manage_url(service.settings, subscriber), "flash": Flash("Subscription confirmed.")}
    return _page(request, "confirmed", context)


def _manage_context(service: SubscriptionService, subscriber: Subscriber, **extra: Any) -> dict[str, Any]:
    """`follows` (None without an account) replace the typed lists of authors, categories and searches;
    `unread` is what was typed there before the address was linked to an account."""
    sections, follows = Sections.from_json(subscriber.sections), service.follows_of(subscriber)
    return {
        "subscriber": subscriber,
        "sections": sections,
        "follows": follows,
        "unread": typed_lists(sections) if follows is not None else [],
        "weekdays": WEEKDAYS,
        "unsubscribe_url": links.unsubscribe_url(service.settings, subscriber),
        "error": None,
    } | extra


@router.get("/subscribe/manage/{token}", name="subscribe.manage", response_class=HTMLResponse)
def manage(request: Request, token: str) -> Response:
    service = _service(request)
    return _page(request, "manage", _manage_context(service, service.from_manage_token(token)))


@router.post("/subscribe/manage/{token}", name="subscribe.save", response_class=HTMLResponse)
async def save(request: Request, token: str) -> Response:
    service = _service(request)
    subscriber = service.from_manage_token(token)
    form = {key: str(value) for key, value in (await request.form()).items()}
    try:
        linked = subscriber.user_id is not None
        preferences = parse_form(form, service.settings.digest_trending_limit, linked=linked)
        service.update_preferences(subscriber.id, preferences)
    except InvalidInput as error:
        return _page(request, "manage", _manage_context(service, subscriber, error=str(error)), status=400)
    context = _manage_context(service, service.from_manage_token(token), flash=Flash("Preferences saved."))
    return _page(request, "manage", context)


@router.get("/unsubscribe/{token}", name="subscribe.unsubscribe_page", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> Response:
    """Changes nothing: a GET may come from a link scanner."""
    _service(request).from_manage_token(token)
    return _page(request, "unsubscribe", {"action": request.url.path, "done": False})


@router.post("/unsubscribe/{token}", name="subscribe.unsubscribe", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str) -> Response:
    """RFC 8058 one-click: 200 without a redirect, idempotent, no cookie needed."""
    service = _service(request)
    subscriber = service.unsubscribe(token)
    return _page(
        request,
        "unsubscribe",
        {
            "action": request.url.path,
            "done": True,
            "manage_url": links.manage_url(service.settings, subscriber),
            "flash": Flash("Unsubscribed."),
        },
    )


@router.get("/digest/preview", name="digest.preview", response_class=HTMLResponse)
def preview(
    request: Request, auth: PageAuth, digest: DigestDep, email: str, token: str | None = None, day: str | None = None
) -> Response:
    """The edition one subscriber gets (today, or `day`), as HTML, for site admins or with the admin token."""
    if not ((auth.user is not None and auth.user.is_admin) or is_admin_token(digest.settings, token)):
        raise PermissionDenied("admins only")
    message = digest.preview(email, parse_day(day, "day") if day else None)
    return HTMLResponse(body_of(message, "html"), headers=NO_STORE)


def account_digest(request: Request, user: User) -> dict[str, Any]:
    """The digest subscription of a logged-in user, for the account page."""
    service = _service(request)
    subscriber = service.subscription_for_user(user.id)
    if subscriber is None:
        return {"subscribed": False, "can_subscribe": user.email_verified}
    return {
        "subscribed": subscriber.status == ACTIVE,
        "status": subscriber.status,
        "paused": subscriber.paused,
        "manage_url": links.manage_url(service.settings, subscriber),
        "can_subscribe": user.email_verified,
    }


@router.post("/account/digest", name="subscribe.account", include_in_schema=False)
def subscribe_account(request: Request, user: LoggedIn) -> Response:
    """Logged-in users subscribe with their confirmed address (no opt-in mail), then manage it."""
    if not user.email_verified:
        raise PermissionDenied("Confirm your e-mail address first; the digest goes to a confirmed address only.")
    service = _service(request)
    subscriber = service.subscribe_user(user.id, user.email)
    response = RedirectResponse(links.manage_url(service.settings, subscriber), status_code=303)
    return flash(request, response, "Subscribed: the digest goes to your confirmed address.")
