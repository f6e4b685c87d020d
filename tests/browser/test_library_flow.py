"""The researcher's flow in Chromium: follow an author, save papers, create a collection, export it as
BibTeX, mark a For You item "Not relevant" and see For You change. Screenshots of For You and of the
collection (desktop and phone) go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string

from tests.browser.look import DESKTOP, PHONE, SCREENSHOTS, Site, log_in, site, watch_errors

pytestmark = pytest.mark.browser
__all__ = ["site"]  # the fixture


def _for_you_ids(page: Any) -> list[str]:
    return [a.get_attribute("data-paper-id") for a in page.locator("ol.for-you article.paper-card").all()]


def _shoot(browser: Any, site: Site, path: str, name: str, state: dict[str, Any]) -> None:
    for variant, options in (("desktop", {"viewport": DESKTOP}), ("phone", {"viewport": PHONE, "is_mobile": True})):
        context = browser.new_context(storage_state=state, **options)
        page = context.new_page()
        page.goto(site.url + path)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{variant}.png"), full_page=True)
        context.close()


def test_follow_save_collect_export_and_teach_for_you(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport=DESKTOP)
    log_in(context, site)
    page = context.new_page()
    errors = watch_errors(page)

    page.goto(site.url + "/authors/grace hopper")  # a lower-case variant of the name
    page.click("form.follow-form button")
    page.wait_for_selector(".flash")
    assert "Following Grace Hopper" in page.inner_text(".flash")

    for paper_id in site.paper_ids[:2]:
        page.goto(f"{site.url}/papers/{paper_id}")
        page.click(".paper-actions form.save-form button")
        page.wait_for_selector(".paper-actions button.save.saved")

    page.goto(site.url + "/library")
    page.fill("#collection-name", "Reading group")
    page.click("form[action='/collections'] button")
    page.wait_for_url("**/collections/*")
    collection = page.url.removeprefix(site.url)
    for paper_id in site.paper_ids[:2]:
        page.fill("#add-paper", paper_id)
        page.click(f"form[action='{collection}/add'] button")
        page.wait_for_selector(f"article[data-paper-id='{paper_id}']")
    with page.expect_download() as download:
        page.click("a[href$='/export.bibtex']")
    text = download.value.path().read_text()
    library = parse_string(text)
    assert library.failed_blocks == []
    assert {e.fields_dict["eprint"].value for e in library.entries} == set(site.paper_ids[:2])

    page.goto(site.url + "/for-you")
    before = _for_you_ids(page)
    assert before, page.content()
    assert page.locator(".why-for-you").first.inner_text().startswith("Why: ")
    page.click("ol.for-you > li:first-child form.not-relevant button")
    page.wait_for_url("**/for-you")
    after = _for_you_ids(page)
    assert before[0] not in after
    assert after != before

    state = context.storage_state()
    _shoot(browser, site, "/for-you", "for-you", state)
    _shoot(browser, site, collection, "collection", state)
    context.close()
    assert errors == []
