"""The look in Chromium: one header everywhere, the upvote toggle (with and without JS), flash messages,
keyboard shortcuts and the growing comment box."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.look import LAPTOP, PHONE, SCREENSHOTS, Site, log_in, site, watch_errors

pytestmark = pytest.mark.browser
__all__ = ["site"]  # the fixture

HEADER_LAYOUT = """() => {
  const bar = document.querySelector(".header-bar");
  const items = [...bar.querySelectorAll(".brand, .nav-main a, .search-box input, .nav-user > a, .user-menu summary")]
    .filter(e => e.getClientRects().length);
  return {
    height: document.querySelector(".site-header").getBoundingClientRect().height,
    wrapped: items.filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 48)
      .map(e => e.textContent.trim() || e.outerHTML.slice(0, 60)),
    rows: items.map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })
      .sort((a, b) => a - b).filter((y, i, ys) => i === 0 || y - ys[i - 1] > 12).length,
    overflow: bar.scrollWidth > bar.clientWidth || document.documentElement.scrollWidth > innerWidth,
    overlaps: items.flatMap((a, i) => items.slice(i + 1).filter(b => {
      const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      return r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1;
    }).map(b => [a.textContent.trim(), b.textContent.trim() || b.tagName])),
  };
}"""


def _header_layouts(browser: Any, site: Site, viewport: dict[str, int], logged_in: bool) -> dict[str, Any]:
    context = browser.new_context(viewport=viewport)
    if logged_in:
        log_in(context, site)
    page = context.new_page()
    paths = ["/", "/trending", f"/papers/{site.paper_ids[0]}", "/search?q=graph", "/login", "/signup", "/submit"]
    paths += ["/account", f"/users/{site.reader['id']}"] if logged_in else []
    layouts = {}
    for path in paths:
        page.goto(site.url + path)
        layouts[path] = page.evaluate(HEADER_LAYOUT)
    context.close()
    return layouts


# 375 px: brand and account, the five main links, then the search box (beside five links it kept 3 letters).
@pytest.mark.parametrize(("viewport", "rows"), [(LAPTOP, 1), (PHONE, 3)], ids=["1024px", "375px"])
def test_header_is_the_same_on_every_page_logged_in_or_out_and_never_wraps(
    browser: Any, site: Site, viewport: dict[str, int], rows: int
) -> None:
    out = _header_layouts(browser, site, viewport, logged_in=False)
    logged_in = _header_layouts(browser, site, viewport, logged_in=True)
    heights = {round(layout["height"], 1) for layout in [*out.values(), *logged_in.values()]}
    assert len(heights) == 1, {"logged out": out, "logged in": logged_in}
    for path, layout in [*out.items(), *logged_in.items()]:
        assert layout["wrapped"] == [], path
        assert layout["rows"] == rows, (path, layout)
        assert not layout["overflow"], path
        assert layout["overlaps"] == [], path


def _upvote(page: Any, paper_id: str) -> Any:
    return page.locator(f"form.upvote-form[data-paper-id='{paper_id}'] button.upvote").first


def test_upvote_toggles_without_a_reload_on_cards_and_on_the_paper_page(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport=LAPTOP)
    log_in(context, site)
    page = context.new_page()
    errors = watch_errors(page)
    paper_id = site.paper_ids[0]
    page.goto(site.url + "/")
    page.evaluate("window.notReloaded = true")
    card = _upvote(page, paper_id)
    assert (card.get_attribute("aria-pressed"), card.locator(".upvote-count").inner_text()) == ("false", "0")
    card.click()  # one click on the card's ▲
    page.wait_for_selector(f"form[data-paper-id='{paper_id}'] button[aria-pressed=true]")
    assert card.locator(".upvote-count").inner_text() == "1"
    assert page.locator("#flash").inner_text() == "Upvoted."
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-after-upvote-desktop-in.png"))
    card.click()
    page.wait_for_selector(f"form[data-paper-id='{paper_id}'] button[aria-pressed=false]")
    assert card.locator(".upvote-count").inner_text() == "0"
    assert page.evaluate("window.notReloaded") is True

    page.goto(site.url + f"/papers/{paper_id}")
    button = _upvote(page, paper_id)
    button.click()
    page.wait_for_selector("button.upvote[aria-pressed=true]")
    page.reload()  # the server remembers: the page shows the vote
    assert (button.get_attribute("aria-pressed"), button.locator(".upvote-count").inner_text()) == ("true", "1")
    button.click()  # a second click un-votes
    page.wait_for_selector("button.upvote[aria-pressed=false]")
    page.reload()
    assert (button.get_attribute("aria-pressed"), button.locator(".upvote-count").inner_text()) == ("false", "0")
    assert errors == []
    context.close()


def test_upvote_and_comment_work_without_javascript_and_say_what_happened(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport=LAPTOP, java_script_enabled=False)
    log_in(context, site)
    page = context.new_page()
    paper_id = site.paper_ids[0]
    page.goto(site.url + "/")
    _upvote(page, paper_id).click()
    page.wait_for_url(site.url + "/")
    assert page.locator("#flash").inner_text() == "Upvoted."
    assert _upvote(page, paper_id).get_attribute("aria-pressed") == "true"
    _upvote(page, paper_id).click()
    page.wait_for_url(site.url + "/")
    assert page.locator("#flash").inner_text() == "Upvote removed."
    page.reload()
    assert page.locator("#flash .flash").count() == 0  # shown once

    page.goto(site.url + f"/discuss/{paper_id}")
    assert page.locator("#comment-body").get_attribute("rows") == "4"
    page.fill("#comment-body", "Without JavaScript")
    page.click("form.comment-form button[type=submit]")
    page.wait_for_selector("#flash .flash")
    assert page.locator("#flash").inner_text() == "Comment posted."
    page.screenshot(path=str(SCREENSHOTS / "discussion-after-comment-desktop-in.png"), full_page=True)
    context.close()


def test_logged_out_card_vote_leads_to_log_in_and_back(browser: Any, site: Site) -> None:
    page = browser.new_page(viewport=LAPTOP)
    page.goto(site.url + f"/papers/{site.paper_ids[0]}")
    page.locator("button.upvote").first.click()
    page.wait_for_url("**/login?next=*")
    page.fill("#login-email", site.reader["email"])
    page.fill("#login-password", "correct horse battery staple")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(site.url + f"/papers/{site.paper_ids[0]}")
    assert page.locator("#flash").inner_text() == "You are logged in."


def test_slash_focuses_search_and_j_k_move_between_cards(browser: Any, site: Site) -> None:
    page = browser.new_page(viewport=LAPTOP)
    page.goto(site.url + f"/papers?month={site.today:%Y-%m}")
    focused_card = "() => [...document.querySelectorAll('.paper-card')].indexOf(document.activeElement)"
    page.keyboard.press("j")
    assert page.evaluate(focused_card) == 0
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate(focused_card) == 2
    page.keyboard.press("k")
    assert page.evaluate(focused_card) == 1
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-q"
    page.keyboard.type("jk")  # typing in a field is typing, not moving
    assert page.input_value("#site-q") == "jk"
    assert page.evaluate(focused_card) == -1


def test_comment_box_starts_at_four_rows_and_grows(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport=LAPTOP)
    log_in(context, site)
    page = context.new_page()
    page.goto(site.url + f"/discuss/{site.paper_ids[1]}")
    box = page.locator("#comment-body")
    start = box.bounding_box()["height"]
    box.fill("\n".join(f"line {n}" for n in range(12)))
    box.dispatch_event("input")
    assert box.bounding_box()["height"] > start * 1.8
    context.close()
