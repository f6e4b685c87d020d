"""Display names: what makes two names the same, and which characters a name may not contain.

`name_key` is the comparison form stored in `users.display_name_key` (unique). Two names are the same when
a reader could not tell them apart:
1. NFKC (full-width and ligature forms fold) and case folding; invisible characters and accents dropped;
2. every character replaced by its prototype in Unicode's confusables table (UTS #39, the "skeleton";
   the data comes from the `confusable-homoglyphs` package, a copy of unicode.org's confusables.txt):
   Cyrillic "\u0430", Greek "\u03b1", mathematical "\U0001d41a" all read "a", "m" reads "rn";
3. case folded again (prototypes may be capitals), then the few folds UTS #39 leaves to the caller for
   lower-case text (i, dotless \u0131, | and 1 against l; 0 against o; 5/$ against s; @ against a);
4. runs of spaces, dots, dashes and underscores collapsed to one space.
"Ada Lovelace", "ADA  LOVELACE", "\u0410da Lovelace" (a Cyrillic capital A), "Ada_Lovelace" and
"\U0001d400da Lovelace" (a mathematical bold A) are the same name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

# Bidirectional formatting characters: they can reverse how the rest of a page line reads.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that render as nothing (or as a space) and would let two names look the same.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
_DROPPED = {ord(ch): None for ch in BIDI_CONTROLS | INVISIBLE}

# After the skeleton and case folding: letters and signs that still read alike in lower case.
_LOWER_FOLDS = str.maketrans("i|\u013110$5@", "llllossa")
_SEPARATORS = re.compile(r"[\s._\-]+")


@cache
def _skeleton_table() -> dict[int, str]:
    """Character -> prototype, from the package's confusables data. The data lists, for a source, its
    prototype alone, and for a prototype, all its sources; a pair that lists only each other (a prototype
    with one source) maps both to the smaller, so that the table is idempotent either way."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    table: dict[int, str] = {}
    for source, entries in data.items():
        if len(source) != 1 or len(entries) != 1:
            continue
        prototype = entries[0]["c"].translate(_DROPPED)
        back = data.get(prototype, [])
        if prototype and prototype != source and any(entry["c"] == source for entry in back):
            if len(back) == 1 and len(prototype) == 1 and prototype > source:
                continue  # the pair's other half maps to this character
            table[ord(source)] = prototype
    return table


def has_bidi_controls(name: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in name)


def name_key(name: str) -> str:
    """The form two display names are compared in (see the module docstring)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold()).translate(_DROPPED)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")  # drop accents: é = e
    skeleton = unicodedata.normalize("NFKD", folded.translate(_skeleton_table())).translate(_DROPPED)
    skeleton = "".join(ch for ch in skeleton if unicodedata.category(ch) != "Mn").casefold()
    return _SEPARATORS.sub(" ", skeleton.translate(_LOWER_FOLDS)).strip()
