"""CSRF tokens: an HMAC of the session id (or, before login, of a random anonymous cookie).

A token is only valid together with the cookie it was derived from, so a cross-site form cannot
forge it, and a new session at login makes every older token useless.
"""

from __future__ import annotations

import hashlib
import hmac


def csrf_token(secret: str, binding: str) -> str:
    return hmac.new(secret.encode(), b"csrf|" + binding.encode(), hashlib.sha256).hexdigest()


def is_valid_csrf(secret: str, binding: str | None, token: str | None) -> bool:
    if not binding or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, binding), token)
