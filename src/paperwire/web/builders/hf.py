"""Hugging Face-compatible JSON shapes (api/daily_papers, api/papers/{id}) built from paper dicts.

Field names, nesting and formats follow what huggingface.co returns and what the official
`huggingface_hub` client reads (docs/api.md has the field-by-field table). paperwire's own extras come
after HF's fields.
"""

from __future__ import annotations

import hashlib
from typing import Any

from paperwire.web.builders._papers import stamp_day

AI_SUMMARY_MODEL = (
    "paperwire-local: keywords by maximal marginal relevance over noun-phrase candidates scored by "
    "embedding similarity to the abstract; summary = the abstract sentence closest to the abstract's "
    "centroid (no generative model)"
)


def _author_id(paper_id: str, position: int) -> str:
    """A stable 24-hex id per author entry of a paper (HF's authors[]._id)."""
    return hashlib.blake2b(f"{paper_id}\0{position}".encode(), digest_size=12).hexdigest()


def _author(paper: dict[str, Any], position: int, name: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"_id": _author_id(paper["id"], position), "name": name, "hidden": False}
    claim = (paper.get("claims") or {}).get(name)
    if claim:
        entry.update(user=claim["user"], status="claimed_verified", statusLastChangedAt=claim["changed_at"])
    return entry


def _public_user(user: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v for k, v in user.items() if k != "profileUrl"} if user else None


def hf_paper(paper: dict[str, Any]) -> dict[str, Any]:
    """The `paper` object: HF field names first, paperwire extras after."""
    shaped: dict[str, Any] = {
        "id": paper["id"],
        "authors": [_author(paper, i, name) for i, name in enumerate(paper["authors"])],
        "mediaUrls": [],
        "publishedAt": paper["published_at"] or stamp_day(paper["published"] or paper["announced"]),
        "title": paper["title"],
        "summary": paper["abstract"],
        "upvotes": paper["upvotes"],
        "discussionId": paper["id"],
        "ai_summary": paper["ai_summary"],
        "ai_keywords": paper["ai_keywords"],
        "githubRepo": paper["github_repo"],
        "githubStars": paper.get("github_stars"),
        "projectPage": paper["project_page"],
        "organization": None,
        "categories": paper["categories"],
        "announcedAt": stamp_day(paper["announced"]),
        "url": paper["url"],
        "absUrl": paper["abs_url"],
        "pdfUrl": paper["pdf_url"],
    }
    if paper["ai_summary"] is not None:
        shaped["ai_summary_model"] = AI_SUMMARY_MODEL
    if paper["submitted_on"]:
        shaped["submittedOnDailyAt"] = paper["submitted_at"]
        shaped["submittedOnDailyBy"] = _public_user(paper["submitter"])
    for key in ("versions", "comment", "journal_ref", "doi"):
        if key in paper:
            shaped[{"journal_ref": "journalRef"}.get(key, key)] = paper[key]
    return shaped


def hf_item(paper: dict[str, Any]) -> dict[str, Any]:
    """One entry of /api/daily_papers: the paper plus the listing fields HF repeats at the top level."""
    item: dict[str, Any] = {
        "paper": hf_paper(paper),
        "publishedAt": paper["submitted_at"] or stamp_day(paper["announced"] or paper["published"]),
        "title": paper["title"],
        "summary": paper["abstract"],
        "thumbnail": paper["thumbnail"],
        "mediaUrls": [],
        "numComments": paper["num_comments"],
        "isAuthorParticipating": bool(paper.get("claims")),
        "organization": None,
    }
    # huggingface_hub's PaperInfo reads these from the item's top level (not from `paper`): repeat them.
    for key in ("ai_summary", "ai_keywords", "githubRepo", "githubStars", "projectPage"):
        item[key] = item["paper"][key]
    if paper["submitted_on"]:
        item["submittedBy"] = _public_user(paper["submitter"])
    if "score" in paper:
        item["score"] = paper["score"]
    if "trending" in paper:
        item["trending"] = paper["trending"]
    return item


def hf_items(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [hf_item(p) for p in papers]
