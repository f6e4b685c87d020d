"""The bounce webhook's signature and body: who may call it, and what it may say.

A caller (the relay's event forwarder) signs each request with PAPERWIRE_BOUNCE_WEBHOOK_SECRET:

    Paperwire-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>

The timestamp is inside the signature, so an old request cannot be re-dated; one older (or newer) than
PAPERWIRE_BOUNCE_WEBHOOK_MAX_AGE_S is refused, and BounceService refuses a signature it has seen before.
The body is JSON ({"events": [...]}, see parse_json_events) or one raw DSN / feedback report message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from paperwire.digest.bounce_reports import COMPLAINT, HARD, SOFT, BounceEvent
from paperwire.errors import InvalidInput, PermissionDenied
from paperwire.mail.replies import parse_status
from paperwire.storage.subscribers import normalize_email

HEADER = "Paperwire-Signature"
MAX_BODY_BYTES = 1024 * 1024
MAX_EVENTS = 1000


class Unsigned(PermissionDenied):
    """No signature, or not one in the expected form: the web layer answers 401."""


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header value for `body` signed at `timestamp` (what a caller sends)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str | None, body: bytes, now_s: float, max_age_s: int) -> str:
    """The verified signature (for replay detection); Unsigned or PermissionDenied otherwise."""
    fields: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
        offered = fields["v1"]
    except (KeyError, ValueError):
        raise Unsigned(f"a signed request is required: {HEADER}: t=<unix time>,v1=<hex HMAC-SHA256>") from None
    if abs(now_s - timestamp) > max_age_s:
        raise PermissionDenied(f"the signature's time is more than {max_age_s} s away: refused (replay protection)")
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise PermissionDenied("the signature does not match this body and secret")
    return f"{timestamp}:{expected}"


def parse_json_events(body: bytes) -> list[BounceEvent]:
    """{"events": [{"type": "bounce", "email": ..., "status": "5.1.1", "diagnostic": ...},
    {"type": "complaint", "email": ..., "feedback_type": "abuse"}]}: a 5.x.x bounce is hard, 4.x.x soft."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"the body is not JSON: {error}") from None
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise InvalidInput(f'expected {{"events": [...]}} with at most {MAX_EVENTS} events')
    return [_event(item, number) for number, item in enumerate(events, start=1)]


def _event(item: Any, number: int) -> BounceEvent:
    where = f"event {number}"
    if not isinstance(item, dict) or not isinstance(item.get("email"), str) or "@" not in item["email"]:
        raise InvalidInput(f"{where}: an object with an e-mail address in 'email' is required")
    email = normalize_email(item["email"])
    if item.get("type") == "complaint":
        return BounceEvent(email, COMPLAINT, str(item.get("feedback_type") or "abuse")[:32], "", None, "webhook")
    if item.get("type") != "bounce":
        raise InvalidInput(f"{where}: 'type' must be 'bounce' or 'complaint'")
    status = parse_status(str(item.get("status") or ""))
    if status is None or status.klass not in (4, 5):
        raise InvalidInput(f"{where}: a bounce needs 'status', an enhanced status code like 5.1.1 or 4.2.2")
    detail = str(item.get("diagnostic") or "")[:500]
    return BounceEvent(email, HARD if status.klass == 5 else SOFT, str(status), detail, None, "webhook")
