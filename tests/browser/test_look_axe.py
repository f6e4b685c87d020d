"""Every page through axe-core (from the npm registry, `make axe`) in Chromium: no serious or critical
violations, logged out and logged in, desktop (1280 px), phone (375 px) and dark mode; no console errors
(a CSP violation is one). Screenshots of each go to test-artifacts/screenshots/, the counts by impact to
test-artifacts/axe/VARIANT.json (docs/benchmarks.md has the figures)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.browser.look import DESKTOP, PHONE, SCREENSHOTS, Site, axe_violations, log_in, save_json, site, watch_errors

pytestmark = pytest.mark.browser
__all__ = ["site"]  # the fixture
BLOCKING = {"serious", "critical"}


def _pages(site: Site) -> dict[str, str]:
    """Name -> path of every kind of page; the account pages need the logged-in context."""
    paper = site.paper_ids[0]
    year, week, _ = site.today.isocalendar()
    return {
        "home": "/",
        "daily-day": f"/papers?date={site.today}",
        "daily-empty-day": f"/papers?date={site.empty_day}",
        "daily-week": f"/papers?week={year}-W{week:02d}",
        "daily-month": f"/papers?month={site.today:%Y-%m}",
        "trending": "/trending?window=month",
        "new": "/new",
        "search-results": "/search?q=diffusion+transformers",
        "search-none": "/search?q=zzyzx+quokka&cat=nlin.CD",  # the filter: hybrid search always finds something
        "paper": f"/papers/{paper}",
        "discussion": f"/discuss/{paper}",
        "author": "/authors/Grace%20Hopper",
        "category": "/categories/cs.LG",
        "map": "/map",
        "topic": "/topics/0",
        "rising": "/rising?days=30",
        "login": "/login",
        "signup": "/signup",
        "subscribe": "/subscribe",
        "submit": "/submit",
        "404": "/papers/2001.99999",
    }


def _digest_preferences_path(context: Any, site: Site) -> str:
    """Subscribe from the account page (the first time) and return the preferences page's path."""
    page = context.new_page()
    page.goto(site.url + "/account")
    if page.locator("#subscribe-digest").count():
        page.click("#subscribe-digest")
        page.wait_for_url("**/subscribe/manage/**")
    else:
        page.goto(page.get_attribute("#manage-digest", "href") or "")
    path = page.url.removeprefix(site.url)
    page.close()
    return path


MAP_READY = "() => !document.getElementById('map') || document.getElementById('map').dataset.ready === '1'"
SIMILAR_LOADED = "() => [...document.querySelectorAll('[data-similar-src]')].every(s => s.querySelector('ul, p, a'))"


def _sweep(
    browser: Any, site: Site, variant: str, *, logged_in: bool, only: set[str] | None = None, **options: Any
) -> dict[str, Any]:
    context = browser.new_context(bypass_csp=True, **options)  # bypass: to inject axe-core
    pages = _pages(site)
    if logged_in:
        log_in(context, site)
        pages |= {"account": "/account", "profile": f"/users/{site.reader['id']}"}
        pages |= {"for-you": "/for-you", "library": "/library", "following": "/following"}
        pages["digest-preferences"] = _digest_preferences_path(context, site)
    pages = {name: path for name, path in pages.items() if only is None or name in only}
    results: dict[str, Any] = {}
    page = context.new_page()
    errors = watch_errors(page)
    for name, path in pages.items():
        page.goto(site.url + path)
        page.wait_for_function(SIMILAR_LOADED)
        page.wait_for_function(MAP_READY)
        violations = axe_violations(page)
        results[name] = violations
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{variant}.png"), full_page=True)
    context.close()
    not_found = [e for e in errors if "404" in e]  # the 404 page itself logs its status
    assert [e for e in errors if e not in not_found] == [], errors
    return results


ACCOUNT_PAGES = {"account", "profile", "digest-preferences", "submit", "discussion", "paper", "home"}
ACCOUNT_PAGES |= {"for-you", "library", "following"}
VARIANTS: dict[str, tuple[dict[str, Any], bool, set[str] | None]] = {
    "desktop": ({"viewport": DESKTOP}, False, None),
    "phone": ({"viewport": PHONE, "is_mobile": True, "has_touch": True}, False, None),
    "desktop-dark": ({"viewport": DESKTOP, "color_scheme": "dark"}, False, None),
    "desktop-in": ({"viewport": DESKTOP}, True, None),
    "phone-in": ({"viewport": PHONE, "is_mobile": True, "has_touch": True}, True, ACCOUNT_PAGES),
    "desktop-dark-in": ({"viewport": DESKTOP, "color_scheme": "dark"}, True, ACCOUNT_PAGES),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_page_has_no_serious_or_critical_axe_violations(browser: object, site: Site, variant: str) -> None:
    """One variant per test (the pytest timeout is per test); "-in": logged in, "-dark": dark mode."""
    options, logged_in, only = VARIANTS[variant]
    results = _sweep(browser, site, variant, logged_in=logged_in, only=only, **options)
    report: dict[str, dict[str, int]] = {}
    blocking: list[str] = []
    for name, violations in results.items():
        counts: Counter[str] = Counter()
        for violation in violations:
            counts[violation["impact"]] += violation["nodes"]
            if violation["impact"] in BLOCKING:
                where = f"{variant} {name}: {violation['id']} ({violation['help']})"
                blocking.append(f"{where} at {violation['targets']}")
        report[name] = dict(counts)
    save_json(f"axe/{variant}.json", {"pages": report, "violations": results})
    assert blocking == []
