"""Security primitives: signed links, password policy and hashing, CSRF tokens, Markdown, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from paperwire.community import links, passwords, ratelimit
from paperwire.community.csrf import csrf_token, is_valid_csrf
from paperwire.community.markdown import render_markdown
from paperwire.errors import InvalidInput, RateLimited

KEY = "k" * 40


def test_links_round_trip_and_refuse_tampering_other_purposes_and_age() -> None:
    signed = links.sign(KEY, "reset-password", "raw-token")
    assert links.unsign(KEY, "reset-password", signed, 60) == "raw-token"
    with pytest.raises(InvalidInput):
        links.unsign(KEY, "verify-email", signed, 60)  # a reset link cannot verify an address
    with pytest.raises(InvalidInput):
        links.unsign(KEY, "reset-password", signed[:-2] + "xx", 60)
    with pytest.raises(InvalidInput):
        links.unsign("other" * 10, "reset-password", signed, 60)
    with pytest.raises(InvalidInput):
        links.unsign(KEY, "reset-password", signed, -1)  # expired


def test_password_hash_is_argon2id_with_19_mib() -> None:
    hashed = passwords.hash_password("a fine passphrase")
    assert hashed.startswith("$argon2id$")
    assert "m=19456" in hashed
    assert passwords.verify_password(hashed, "a fine passphrase")
    assert not passwords.verify_password(hashed, "a fine passphras")
    assert not passwords.verify_password("not a hash", "x")


@pytest.mark.parametrize("bad", ["1234567", "password", "Password1", "iloveyou", "a" * 1025, "me@example.org"])
def test_password_policy_refuses(bad: str) -> None:
    with pytest.raises(InvalidInput):
        passwords.check_policy(bad, "me@example.org")


def test_csrf_tokens_are_bound_to_their_cookie() -> None:
    token = csrf_token(KEY, "session-a")
    assert is_valid_csrf(KEY, "session-a", token)
    assert not is_valid_csrf(KEY, "session-b", token)
    assert not is_valid_csrf(KEY, None, token)
    assert not is_valid_csrf(KEY, "session-a", None)


def test_markdown_keeps_math_verbatim_and_escapes_html() -> None:
    html = render_markdown("Let $a_1 < b_2$ and $$\\sum_i x_i^*$$ hold. <b>x</b>")
    assert '<span class="math">$a_1 &lt; b_2$</span>' in html
    assert "$$\\sum_i x_i^*$$" in html
    assert "<b>" not in html


def test_rate_limit_counts_per_window_and_says_when(engine: Engine) -> None:
    now = datetime(2025, 1, 1, 12, 0, 10, tzinfo=UTC)
    with engine.begin() as conn:
        for _ in range(3):
            ratelimit.hit(conn, "test:key", 3, 60, now)
        with pytest.raises(RateLimited) as caught:
            ratelimit.hit(conn, "test:key", 3, 60, now)
        assert caught.value.retry_after_s == 50
        ratelimit.hit(conn, "test:key", 3, 60, now + timedelta(seconds=60))  # a new window
        ratelimit.hit(conn, "test:other", 3, 60, now)  # another key
