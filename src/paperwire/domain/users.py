"""How people appear in Hugging Face-shaped JSON: a stable username derived from the display name."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def username(display_name: str, user_id: int) -> str:
    """'Grace Hopper' (id 7) -> 'grace-hopper-7': readable, unique (the id), usable as `?submitter=`."""
    folded = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG.sub("-", folded).strip("-")[:40].strip("-")
    return f"{slug}-{user_id}" if slug else f"user-{user_id}"
