"""Every page at a desktop's and a phone's width in real Chromium: screenshots, axe with nothing
found at any impact, the styles that must win over Bootstrap, the phone layout, landmarks, focus,
and the filters following the user from page to page."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.browser_kit import DESKTOP, PHONE, axe_violations, shot, wait_js

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "incidents": "/incidents",
    "attendance": "/attendance",
    "perception": "/perception",
    "msg": "/msg",
    "targets": "/targets",
    "district": "/district?area=district:Colchester",
    "district-ask": "/district?area=lpa:North",
    "overview-district": "/?area=district:Colchester",
    "methods": "/methods",
}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
BLUE = "rgb(11, 61, 145)"
FOCUS_YELLOW = "rgb(255, 221, 0)"


def ready(page, name: str) -> None:
    """Wait until the page's own content is there (the first chart drawn, or its cards)."""
    if name == "methods":
        page.locator("#methods-content table").first.wait_for()
    elif name == "district-ask":
        page.locator(".choose-district").wait_for()
    elif name.startswith("overview"):
        page.get_by_test_id("kpi-incidents").wait_for()
    else:
        page.locator(".chart-frame:not(.chart-pending) .js-plotly-plot").first.wait_for()


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    """A fresh page at a desktop's or a phone's width."""
    context = browser.new_context(viewport=WIDTHS[request.param])
    page = context.new_page()
    page.console_problems = []
    page.on("pageerror", lambda e: page.console_problems.append(str(e)))
    page.width_name = request.param
    yield page
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_bpg001_every_page_at_both_widths_is_axe_clean(live_server, sized, name):
    """axe-core finds nothing, of any impact, at 1366 and 390 px; the screenshot is kept."""
    sized.goto(live_server + PAGES[name])
    ready(sized, name)
    # published for the README: the phone's view of every page, and the Methods page
    phone = sized.width_name == "phone"
    shot(sized, f"{name}-phone" if phone else name, publish=phone or name == "methods")
    assert axe_violations(sized) == []
    assert sized.console_problems == []


@pytest.mark.parametrize("name", [n for n in PAGES if n != "methods"])
def test_bpg002_phone_reads_top_to_bottom(live_server, browser, name):
    """At 390 px nothing runs off the side, the navigation folds behind a menu button, and the
    first figure is within the first screen."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server + PAGES[name])
        ready(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide"
        assert not page.locator("a.nav-link").first.is_visible()
        # the first card's figure, or the first chart's title, is on the first screen
        first = (
            ".choose-district h2"
            if name == "district-ask"
            else ".kpi-card .kpi-value, .chart-block .chart-title"
        )
        bottom = page.evaluate(f"document.querySelector('{first}').getBoundingClientRect().bottom")
        assert bottom <= PHONE["height"], f"the first figure ends {bottom:.0f} px down"
        # Wide tables scroll inside their own box, which a keyboard can reach.
        for box in page.locator(".table-scroll").all():
            assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    finally:
        context.close()


def test_bpg003_menu_button_opens_and_closes_the_navigation(live_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server + "/")
        ready(page, "overview")
        toggle = page.locator("#app-nav-toggle")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.get_attribute("aria-controls") == "app-nav"
        toggle.focus()
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Incidents").wait_for()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Enter")
        wait_js(page, "!document.querySelector('a.nav-link[href^=\"/incidents\"]').offsetParent")
        assert toggle.get_attribute("aria-expanded") == "false"
    finally:
        context.close()


def test_bpg004_the_app_stylesheet_wins_over_bootstrap(live_server, page):
    """Bootstrap is loaded once, before the app's stylesheet, so the app's colours show."""
    page.goto(live_server + "/perception")
    ready(page, "perception")
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
    bootstrap = [i for i, href in enumerate(sheets) if "bootstrap" in href]
    style = [i for i, href in enumerate(sheets) if href.split("?")[0].endswith("/style.css")]
    assert len(bootstrap) == 1 and len(style) == 1 and bootstrap[0] < style[0], sheets
    css = "([sel, prop]) => getComputedStyle(document.querySelector(sel))[prop]"
    assert page.evaluate(css, [".app-navbar", "backgroundColor"]) == BLUE
    # the caption promises "green better, red worse": the rank cells must show it
    assert page.evaluate(css, ["td.rank-better", "color"]) == "rgb(12, 81, 39)"
    assert page.evaluate(css, ["td.rank-worse", "color"]) == "rgb(160, 40, 15)"
    page.goto(live_server + "/")
    ready(page, "overview")
    assert page.evaluate(css, [".kpi-card", "borderTopColor"]) == BLUE
    assert page.evaluate(css, [".kpi-card", "borderTopWidth"]) == "4px"


FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  const e = document.activeElement;
  return [(e.textContent.trim().slice(0, 30) || '') + ' #' + e.id,
          s.outlineStyle, s.outlineWidth, s.boxShadow];
}"""


def test_bpg005_a_visible_focus_ring_on_everything_the_keyboard_reaches(live_server, page):
    """Tab through the Overview: every stop shows the black-and-yellow ring (WCAG 2.4.7, 2.4.11),
    on the blue bar, the grey filter bar and the white page alike."""
    page.add_style_tag(content="*, *::before { transition: none !important; }")
    page.goto(live_server + "/")
    ready(page, "overview")
    page.add_style_tag(content="*, *::before { transition: none !important; }")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control: the browser's own UI is next
        stops.append(page.evaluate(FOCUS_RING))
    names = [s[0] for s in stops]
    for expected in ("Skip to main content", "Incidents", "overview-filter-area"):
        assert any(expected in n for n in names), names
    for name, style, width, shadow in stops:
        assert style == "solid" and width == "3px" and FOCUS_YELLOW in shadow, (name, style, shadow)


def test_bpg006_covid_radios_are_one_group_and_one_tab_stop(live_server, page):
    page.goto(live_server + "/")
    ready(page, "overview")
    names = page.eval_on_selector_all(
        "#overview-filter-covid input[type=radio]", "els => els.map(e => e.name)"
    )
    assert len(names) == 2 and len(set(names)) == 1 and names[0]
    page.focus("#overview-filter-to")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "include"
    page.keyboard.press("ArrowRight")  # arrows move within the group and choose
    wait_js(page, "window.location.search.includes('covid=exclude')")
    page.keyboard.press("Tab")  # and Tab leaves it
    assert page.evaluate("document.activeElement.type") != "radio"


def test_bpg007_one_of_each_landmark_and_news_only_where_news_appears(live_server, page):
    page.goto(live_server + "/?area=district:Colchester")
    ready(page, "overview")
    counts = page.evaluate(
        """() => ({
          contentinfo: [...document.querySelectorAll('footer, [role=contentinfo]')]
              .filter(e => !e.closest('article, aside, main, nav, section')).length,
          banner: document.querySelectorAll('body > div header, [role=banner]').length,
          main: document.querySelectorAll('main, [role=main]').length,
          live: [...document.querySelectorAll('[aria-live]')]
              .map(e => e.id || e.className),
        })"""
    )
    assert counts["contentinfo"] == 1 and counts["main"] == 1 and counts["banner"] == 1, counts
    assert not any("content" in str(x) for x in counts["live"]), counts
    # After a filter change, the one status line says what is now shown.
    page.get_by_label("Exclude").check()
    wait_js(page, "document.querySelector('#overview-status').innerText.includes('excluding')")
    assert page.inner_text("#overview-status") == (
        "Showing Colchester district (North LPA), 12 months to March 2021, excluding Covid "
        "breaches."
    )
    badge = page.locator(".badge-illustrative").first
    assert badge.get_attribute("role") == "note"


def test_bpg008_force_wide_figures_on_a_district_page_are_context(live_server, page):
    page.goto(live_server + "/?area=district:Colchester")
    ready(page, "overview")
    context = page.locator(".force-context")
    assert "force-wide context" in context.inner_text().lower()
    assert context.get_by_test_id("kpi-msg").is_visible()
    assert context.get_by_test_id("kpi-incidents").count() == 0
    css = "sel => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize)"
    own = page.evaluate(css, "[data-testid=kpi-incidents]")
    force = page.evaluate(css, "[data-testid=kpi-msg]")
    assert force < own * 0.75
    page.goto(live_server + "/")
    ready(page, "overview")
    assert page.locator(".force-context").count() == 0  # the force's own page: its own figures


def test_bpg009_filters_follow_the_user_from_page_to_page(live_server, page):
    """Colchester, 12 months to March 2020, Covid excluded on the Overview stays chosen on
    Incidents and on the District view (which opens on it); an LPA sends the District view to
    its question, and the Overview picks the LPA back up."""
    page.goto(live_server + "/?area=district:Colchester&to=2020-03&covid=exclude")
    ready(page, "overview")
    wait_js(
        page,
        "[...document.querySelectorAll('a.nav-link')].every("
        "a => a.getAttribute('href').includes('area=district:Colchester&to=2020-03'))",
    )
    page.get_by_role("link", name="Incidents", exact=True).click()
    ready(page, "incidents")
    assert page.input_value("#incidents-filter-area") == "district:Colchester"
    assert page.input_value("#incidents-filter-to") == "2020-03"
    assert page.locator("#incidents-filter-covid input[value=exclude]").is_checked()
    assert page.locator("a.nav-link.active").inner_text() == "Incidents"
    page.get_by_role("link", name="District", exact=True).click()
    ready(page, "district")
    assert page.input_value("#district-filter-area") == "district:Colchester"
    assert "area=district:Colchester&to=2020-03&covid=exclude" in unquote(page.url)
    # a change made here follows too
    page.select_option("#district-filter-area", "district:Harlow")
    wait_js(page, "window.location.search.includes('Harlow')")
    wait_js(
        page,
        "document.querySelector('a.nav-link[href^=\"/msg\"]').getAttribute('href')"
        ".includes('Harlow')",
    )
    page.get_by_role("link", name="MSG", exact=True).click()
    ready(page, "msg")
    assert page.input_value("#msg-filter-area") == "district:Harlow"
    # an LPA: the District view asks, in one message, with links that keep the period
    page.goto(live_server + "/?area=lpa:North&to=2020-03")
    ready(page, "overview")
    page.get_by_role("link", name="District", exact=True).click()
    page.locator(".choose-district").wait_for()
    text = page.locator(".choose-district").inner_text()
    assert "North LPA is not a district: choose a district." in text
    assert "not a valid" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Tendring district (North LPA)").click()
    ready(page, "district")
    assert page.input_value("#district-filter-area") == "district:Tendring"
    assert "to=2020-03" in page.url
