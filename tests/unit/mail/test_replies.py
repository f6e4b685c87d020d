"""Which SMTP refusals are hard bounces: only those that name the recipient."""

from __future__ import annotations

import pytest

from paperwire.mail.replies import StatusCode, is_recipient_refusal, parse_status


@pytest.mark.parametrize(
    ("code", "text", "bounce"),
    [
        (550, "5.1.1 <a@example.org>: Recipient address rejected: User unknown", True),
        (550, "No such user here", True),
        (553, "mailbox name not allowed", True),
        (552, "5.2.2 Mailbox full", True),
        (554, "5.1.0 Address rejected", True),
        (554, "Transaction failed", False),
        (554, "5.7.1 Service unavailable; client host blocked", False),
        (550, "5.7.1 Relaying denied", False),
        (530, "5.7.0 Authentication required", False),
        (550, "5.1.7 Bad sender's mailbox address syntax", False),
        (503, "5.5.1 Bad sequence of commands", False),
        (451, "4.1.1 try later", False),
    ],
)
def test_only_a_refusal_naming_the_recipient_is_a_hard_bounce(code: int, text: str, bounce: bool) -> None:
    assert is_recipient_refusal(code, text) is bounce


def test_enhanced_status_codes_are_read_from_the_start_of_the_text() -> None:
    assert parse_status("5.1.1 user unknown") == StatusCode(5, 1, 1)
    assert str(parse_status(" 4.4.7 expired")) == "4.4.7"
    assert parse_status("user 5.1.1 unknown") is None
    assert parse_status("5.1.1234") is None
