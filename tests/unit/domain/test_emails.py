"""One rule for a typed e-mail address, the same in Python and in the OpenAPI schema that publishes it."""

from __future__ import annotations

import re

import pytest

from paperwire.domain.emails import EMAIL_PATTERN, MAX_LENGTH, form_schema, parse_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Grace.Hopper@Example.ORG", "grace.hopper@example.org"),
        ("  o'brien+digest@mail.example.co.uk\n", "o'brien+digest@mail.example.co.uk"),
        ("a@b-c.io", "a@b-c.io"),
    ],
)
def test_addresses_people_type_are_trimmed_and_lower_cased(typed: str, stored: str) -> None:
    assert parse_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "no-at-sign.example.org",
        "two@@example.org",
        "a@localhost",  # no top-level label
        "a@example.123",  # the top-level label starts with a digit
        "a@-example.org",  # a label starting with a hyphen
        '"quoted"@example.org',
        "<a@example.org>",
        "a b@example.org",
        "jürgen@example.org",  # ASCII only: the relay is not asked for SMTPUTF8
        "a@example.org\x00",
        "x" * 65 + "@example.org",  # local part over 64
        "a@" + "b" * 250 + ".org",
    ],
)
def test_what_is_not_an_address_is_refused(typed: str) -> None:
    assert parse_email(typed) is None


def test_the_length_limit_counts_what_was_typed() -> None:
    address = "a@" + ".".join(label * 60 for label in "bcde") + ".example.org"
    assert len(address) > MAX_LENGTH
    assert parse_email(address) is None
    assert parse_email(" " * 10 + "a@example.org") == "a@example.org"


def test_the_published_pattern_is_the_one_the_server_applies() -> None:
    field = form_schema()["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]  # type: ignore[index]
    email = field["properties"]["email"]
    assert field["required"] == ["email"]
    assert email["pattern"] == EMAIL_PATTERN
    assert email["maxLength"] == MAX_LENGTH
    for typed in ("a@example.org", "A.B@c.example", "a@example", "ab", "a@b.c1"):
        assert (re.search(email["pattern"], typed) is not None) == (parse_email(typed) is not None), typed
