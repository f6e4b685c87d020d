"""Accounts pages: sign up, verify, log in/out, password reset, account settings, API tokens.

Also the request plumbing the community views share, as FastAPI dependencies (no middleware):
`get_auth` (session cookie → user, CSRF token), `require_csrf`, `require_user`, `api_user` (Bearer).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from paperwire.community.accounts import KNOWN_DEVICE_DAYS, AccountService
from paperwire.community.csrf import csrf_token, is_valid_csrf
from paperwire.community.mail import send_all
from paperwire.config import Settings, effective_secret
from paperwire.errors import Conflict, InvalidInput, PermissionDenied
from paperwire.storage import users as users_repo
from paperwire.storage.db import read_only
from paperwire.storage.users import User
from paperwire.web.deps import community_of, services_of, settings_of, templates_of
from paperwire.web.flash import flash

router = APIRouter(tags=["accounts"])
SESSION_COOKIE = "paperwire_session"
ANON_COOKIE = "paperwire_anon"
DEVICE_COOKIE = "paperwire_device"  # signed: this browser logged in to this account before
HOST_PREFIX = "__Host-"  # under https: Secure, Path=/, no Domain, so a sibling subdomain cannot set it
CSRF_FAILED = "The form has expired or did not come from this site (CSRF check failed); reload and try again."


@dataclass
class Auth:
    user: User | None
    session: str | None  # the raw session id from the cookie, when it is valid
    binding: str  # what the CSRF token is derived from: the session id, else the anonymous cookie
    csrf: str
    new_anon: str | None = None  # an anonymous cookie to set on the response


def accounts_of(request: Request) -> AccountService:
    return community_of(request).accounts


def send_later(request: Request, tasks: BackgroundTasks, messages: list[Any]) -> None:
    if messages:
        tasks.add_task(send_all, services_of(request).mailer, messages)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_auth(request: Request) -> Auth:
    cached: Auth | None = getattr(request.state, "community_auth", None)
    if cached is not None:
        return cached
    raw = request.cookies.get(session_cookie(settings_of(request)))
    user = accounts_of(request).session_user(raw) if raw else None
    session = raw if user is not None and not user.is_banned else None
    anon = request.cookies.get(ANON_COOKIE)
    new_anon = None if anon else secrets.token_urlsafe(24)
    binding = session or anon or new_anon or ""
    secret = effective_secret(settings_of(request))
    auth = Auth(user if session else None, session, binding, csrf_token(secret, binding), new_anon)
    request.state.community_auth = auth
    return auth


def viewer_is_moderator(request: Request) -> bool:
    """True when the request's session belongs to an administrator (hidden papers stay visible to them).
    Requests without a session cookie cost nothing: no query."""
    raw = request.cookies.get(session_cookie(settings_of(request)))
    user = get_auth(request).user if raw else None
    return bool(user and user.is_admin)


async def require_csrf(request: Request, auth: Annotated[Auth, Depends(get_auth)]) -> Auth:
    """403 unless the request carries the CSRF token of this browser's session (form field or header)."""
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf_token")
        token = value if isinstance(value, str) else None
    binding = None if auth.new_anon else auth.binding  # a cookie minted just now cannot have a form yet
    if not is_valid_csrf(effective_secret(settings_of(request)), binding, token):
        raise PermissionDenied(CSRF_FAILED)
    return auth


def require_user(auth: Annotated[Auth, Depends(require_csrf)]) -> User:
    if auth.user is None:
        raise PermissionDenied("Please log in first.")
    return auth.user


def api_user(request: Request) -> User:
    """The owner of the personal API token in `Authorization: Bearer ...`; cookies do not count here."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = accounts_of(request).api_user(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise PermissionDenied("A valid personal API token is required (Authorization: Bearer ...).")
    return user


CsrfAuth = Annotated[Auth, Depends(require_csrf)]
PageAuth = Annotated[Auth, Depends(get_auth)]
LoggedIn = Annotated[User, Depends(require_user)]


def is_https(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def session_cookie(settings: Settings) -> str:
    return HOST_PREFIX + SESSION_COOKIE if is_https(settings) else SESSION_COOKIE


def device_cookie(settings: Settings) -> str:
    return HOST_PREFIX + DEVICE_COOKIE if is_https(settings) else DEVICE_COOKIE


def finish(response: Response, request: Request, auth: Auth) -> Response:
    if auth.new_anon:
        secure = is_https(settings_of(request))
        response.set_cookie(ANON_COOKIE, auth.new_anon, httponly=True, samesite="lax", secure=secure, path="/")
    return response


def render(request: Request, template: str, auth: Auth, status: int = 200, **context: Any) -> Response:
    templates = templates_of(request)
    values = {"current_user": auth.user, "csrf": auth.csrf, **context}
    return finish(templates.TemplateResponse(request, template, values, status_code=status), request, auth)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """Only local paths: no open redirects through ?next=."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def start_session(request: Request, response: Response, raw: str) -> Response:
    settings = settings_of(request)
    response.set_cookie(
        session_cookie(settings),
        raw,
        max_age=settings.session_lifetime_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=is_https(settings),
        path="/",
    )
    return response


def message(request: Request, auth: Auth, title: str, text: str, status: int = 200) -> Response:
    return render(request, "accounts/message.html", auth, status, title=title, text=text)


# sign up and verify


@router.get("/signup", include_in_schema=False)
def signup_page(request: Request, auth: PageAuth) -> Response:
    return render(request, "accounts/signup.html", auth)


@router.post("/signup", include_in_schema=False)
def signup(
    request: Request,
    auth: CsrfAuth,
    tasks: BackgroundTasks,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=4096)],
    display_name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        messages = accounts_of(request).signup(email, password, display_name, client_of(request))
    except (InvalidInput, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 400
        return render(request, "accounts/signup.html", auth, status, error=str(error), email=email, name=display_name)
    send_later(request, tasks, messages)
    text = "If the address can be used, we have sent a link to it. Open it to confirm your address, then log in."
    return message(request, auth, "Check your e-mail", text)


@router.get("/verify", include_in_schema=False)
def verify(request: Request, auth: PageAuth, token: str = "") -> Response:
    accounts_of(request).verify_email(token)
    return message(request, auth, "Address confirmed", "Thank you: your e-mail address is confirmed.")


@router.post("/verify/resend", include_in_schema=False)
def resend_verification(request: Request, user: LoggedIn, auth: CsrfAuth, tasks: BackgroundTasks) -> Response:
    send_later(request, tasks, accounts_of(request).resend_verification(user))
    return message(request, auth, "Check your e-mail", "We have sent a new confirmation link.")


# log in and out


@router.get("/login", include_in_schema=False)
def login_page(request: Request, auth: PageAuth, next: str = "/") -> Response:
    return render(request, "accounts/login.html", auth, next=safe_next(next))


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    auth: CsrfAuth,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=4096)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = settings_of(request)
    old = request.cookies.get(session_cookie(settings))
    device = request.cookies.get(device_cookie(settings))
    try:
        result = accounts_of(request).login(email, password, client_of(request), old_session=old, device=device)
    except PermissionDenied as error:
        return render(request, "accounts/login.html", auth, 403, error=str(error), email=email, next=safe_next(next))
    response = start_session(request, flash(request, redirect(safe_next(next)), "You are logged in."), result.session)
    max_age = KNOWN_DEVICE_DAYS * 86400
    secure = is_https(settings)
    response.set_cookie(
        device_cookie(settings), result.device, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.set_cookie(
        ANON_COOKIE,
        secrets.token_urlsafe(24),
        httponly=True,
        samesite="lax",
        secure=is_https(settings_of(request)),
        path="/",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, auth: CsrfAuth) -> Response:
    if auth.session:
        accounts_of(request).logout(auth.session)
    response = flash(request, redirect("/"), "You are logged out.")
    response.delete_cookie(session_cookie(settings_of(request)), path="/", secure=is_https(settings_of(request)))
    return response


# password reset


@router.get("/forgot", include_in_schema=False)
def forgot_page(request: Request, auth: PageAuth) -> Response:
    return render(request, "accounts/forgot.html", auth)


@router.post("/forgot", include_in_schema=False)
def forgot(
    request: Request, auth: CsrfAuth, tasks: BackgroundTasks, email: Annotated[str, Form(max_length=320)]
) -> Response:
    send_later(request, tasks, accounts_of(request).request_reset(email, client_of(request)))
    text = "If an account uses that address, we have sent it a link to choose a new password."
    return message(request, auth, "Check your e-mail", text)


@router.get("/reset", include_in_schema=False)
def reset_page(request: Request, auth: PageAuth, token: str = "") -> Response:
    accounts_of(request).check_reset_link(token)
    return render(request, "accounts/reset.html", auth, token=token)


@router.post("/reset", include_in_schema=False)
def reset(
    request: Request,
    auth: CsrfAuth,
    token: Annotated[str, Form(max_length=1000)],
    password: Annotated[str, Form(max_length=4096)],
) -> Response:
    accounts_of(request).reset_password(token, password)
    return message(request, auth, "Password changed", "Your password is changed. Please log in again.")


# account settings


def account_page(request: Request, auth: Auth, status: int = 200, **context: Any) -> Response:
    if auth.user is None:
        return redirect("/login?next=/account")
    from paperwire.web.views.subscribe import account_digest  # imported late: subscribe imports this module

    with read_only(services_of(request).engine) as conn:
        tokens = users_repo.list_api_tokens(conn, auth.user.id)
    digest = account_digest(request, auth.user)
    return render(request, "accounts/account.html", auth, status, tokens=tokens, digest=digest, **context)


@router.get("/account", include_in_schema=False)
def account(request: Request, auth: PageAuth) -> Response:
    return account_page(request, auth)


@router.post("/account/profile", include_in_schema=False)
def update_profile(
    request: Request,
    user: LoggedIn,
    display_name: Annotated[str, Form(max_length=200)],
    bio: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    accounts_of(request).update_profile(user, display_name, bio)
    return flash(request, redirect(f"/users/{user.id}"), "Profile saved.")


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    user: LoggedIn,
    current_password: Annotated[str, Form(max_length=4096)],
    new_password: Annotated[str, Form(max_length=4096)],
) -> Response:
    raw = accounts_of(request).change_password(user, current_password, new_password)
    text = "Password changed; every other session is logged out."
    return start_session(request, flash(request, redirect("/account"), text), raw)


@router.post("/account/email", include_in_schema=False)
def change_email(
    request: Request,
    user: LoggedIn,
    auth: CsrfAuth,
    tasks: BackgroundTasks,
    password: Annotated[str, Form(max_length=4096)],
    new_email: Annotated[str, Form(max_length=320)],
) -> Response:
    send_later(request, tasks, accounts_of(request).request_email_change(user, password, new_email))
    return message(request, auth, "Check your e-mail", "If the new address can be used, we have sent it a link.")


@router.get("/account/email/confirm", include_in_schema=False)
def confirm_email(request: Request, auth: PageAuth, token: str = "") -> Response:
    accounts_of(request).confirm_email_change(token)
    return message(request, auth, "Address changed", "Your account now uses the new e-mail address.")


@router.post("/account/tokens", include_in_schema=False)
def create_token(
    request: Request, user: LoggedIn, auth: CsrfAuth, name: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    raw = accounts_of(request).create_api_token(user, name)
    return account_page(request, auth, new_token=raw)


@router.post("/account/tokens/{token_id}/delete", include_in_schema=False)
def delete_token(request: Request, user: LoggedIn, token_id: int) -> Response:
    accounts_of(request).delete_api_token(user, token_id)
    return flash(request, redirect("/account"), "Token revoked.")


@router.post("/account/delete", include_in_schema=False)
def delete_account(request: Request, user: LoggedIn, password: Annotated[str, Form(max_length=4096)]) -> Response:
    accounts_of(request).delete_account(user, password)
    response = flash(request, redirect("/"), "Your account is deleted.")
    response.delete_cookie(session_cookie(settings_of(request)), path="/", secure=is_https(settings_of(request)))
    return response
