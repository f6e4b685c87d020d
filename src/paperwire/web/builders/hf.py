"""Hugging Face-compatible JSON shapes (api/daily_papers, api/papers/{id}) built from paper dicts."""

from __future__ import annotations

from typing import Any


def _timestamp(day: str | None) -> str | None:
    return f"{day}T00:00:00.000Z" if day else None


def hf_paper(paper: dict[str, Any]) -> dict[str, Any]:
    """The `paper` object: HF field names first, paperwire extras after."""
    shaped: dict[str, Any] = {
        "id": paper["id"],
        "title": paper["title"],
        "summary": paper["abstract"],
        "authors": [{"name": name} for name in paper["authors"]],
        "publishedAt": _timestamp(paper["published"] or paper["announced"]),
        "upvotes": paper["upvotes"],
        "githubRepo": paper["code_links"][0] if paper["code_links"] else None,
        "categories": paper["categories"],
        "announcedAt": _timestamp(paper["announced"]),
        "url": paper["url"],
        "absUrl": paper["abs_url"],
        "pdfUrl": paper["pdf_url"],
    }
    if paper["submitted_on"]:
        shaped["submittedOnDailyAt"] = _timestamp(paper["submitted_on"])
    for key in ("versions", "comment", "journal_ref", "doi"):
        if key in paper:
            shaped[{"journal_ref": "journalRef"}.get(key, key)] = paper[key]
    return shaped


def hf_item(paper: dict[str, Any]) -> dict[str, Any]:
    """One entry of /api/daily_papers: the paper plus the listing fields HF repeats at the top level."""
    item: dict[str, Any] = {
        "paper": hf_paper(paper),
        "publishedAt": _timestamp(paper["submitted_on"] or paper["announced"] or paper["published"]),
        "title": paper["title"],
        "summary": paper["abstract"],
        "numComments": paper["num_comments"],
    }
    if paper["submitted_on"]:
        item["submittedBy"] = {"name": paper.get("submitted_by") or "paperwire"}
    if "score" in paper:
        item["score"] = paper["score"]
    if "trending" in paper:
        item["trending"] = paper["trending"]
    return item


def hf_items(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [hf_item(p) for p in papers]
