"""Display names: what makes two names the same, and which characters a name may not contain.

`name_key` is the comparison form stored in `users.display_name_key` (unique): NFKC (so full-width
and ligature forms fold), case-folded, look-alike letters mapped to one Latin letter (Cyrillic and
Greek letters that render like Latin ones, and the digits 0/1 against o/l), and runs of spaces,
dots, dashes and underscores collapsed to one space. "Ada Lovelace", "ADA  LOVELACE", "\u0410da Lovelace"
(a Cyrillic capital A) and "Ada_Lovelace" are the same name.

The look-alike table covers the scripts a Latin-reading visitor cannot tell apart; it is a subset of
Unicode's confusables (UTS #39), not all of it.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional formatting characters: they can reverse how the rest of a page line reads.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that render as nothing (or as a space) and would let two names look the same.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")

# Look-alikes, written as escapes (U+0430 CYRILLIC SMALL LETTER A reads as "a", and so on): Cyrillic
# and Greek letters after case folding, then digits and signs that read as letters.
_LOOK_ALIKES = str.maketrans(
    "\u0430\u0432\u0435\u0451\u04bb\u0456\u0457\u0458\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445"
    "\u0455\u0501\u051b\u051d\u04af"
    "\u03b1\u03b2\u03b5\u03b7\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03c9\u03b6"
    "01i|\u01315$@",
    "abeehiijkmhopctyxsdqwyabenikvoptuxwzollllssa",
)
_SEPARATORS = re.compile(r"[\s._\-]+")


def has_bidi_controls(name: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in name)


def name_key(name: str) -> str:
    """The form two display names are compared in (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = "".join(ch for ch in folded if ch not in INVISIBLE and unicodedata.category(ch) != "Mn")
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")  # drop accents: é = e
    return _SEPARATORS.sub(" ", folded.translate(_LOOK_ALIKES)).strip()
