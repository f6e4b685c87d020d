"""The lexical analyser: unicode folding, lowercase, stop words, Snowball (English) stemming."""

from __future__ import annotations

import re
import unicodedata

import Stemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# A compact English stop list (the common core of the Lucene, sklearn and NLTK lists).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "however",
        "thus",
        "via",
        "may",
        "might",
        "must",
        "shall",
        "within",
        "without",
        "whether",
        "upon",
    ]
)

_STEMMER = Stemmer.Stemmer("english")
_STEMMER.maxCacheSize = 200_000


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Schrödinger Équation' -> 'schrodinger equation'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """Folded words, stop words kept (used for phrases and author names)."""
    return _WORD.findall(fold(text))


def stem_words(tokens: list[str]) -> list[str]:
    return list(_STEMMER.stemWords(tokens))


def tokenize(text: str) -> list[str]:
    """Folded, stop-word-free, stemmed index terms."""
    return stem_words([word for word in words(text) if word not in STOP_WORDS])


def phrase_key(text: str) -> str:
    """The normalised form used for exact-phrase checks: folded words joined by single spaces."""
    return " ".join(words(text))


def analyse(text: str) -> tuple[list[str], list[str]]:
    """(surface words, stems) of the index terms, position by position."""
    kept = [word for word in words(text) if word not in STOP_WORDS]
    return kept, stem_words(kept)
