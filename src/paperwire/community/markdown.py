"""Comment Markdown: CommonMark without raw HTML, math passed through untouched, then sanitised by nh3.

Math ($...$, $$...$$, \\(...\\), \\[...\\]) is cut out before Markdown runs, so `_` and `*` inside it stay
as written, and put back HTML-escaped inside <span class="math"> for a client-side renderer.
"""

from __future__ import annotations

import html
import re
import secrets
from functools import cache

import nh3
from markdown_it import MarkdownIt

MATH = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$", re.DOTALL)
TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "span",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "del",
}
ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}}
MAX_LENGTH = 10_000


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


def render_markdown(source: str) -> str:
    """Safe HTML for a comment body."""
    marker = secrets.token_hex(8)
    spans: list[str] = []

    def stash(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"MATH{marker}{len(spans) - 1}X"

    text = MATH.sub(stash, source)
    rendered = _parser().render(text)
    for index, span in enumerate(spans):
        rendered = rendered.replace(f"MATH{marker}{index}X", f'<span class="math">{html.escape(span)}</span>')
    return sanitize(rendered)


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )
