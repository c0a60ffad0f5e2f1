"""The Overview in real headless Chromium (Debian's): figures, filters, URL, keyboard."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.browser_kit import axe_violations, shot, wait_js

pytestmark = pytest.mark.browser


def kpi(page, name: str) -> str:
    return page.get_by_test_id(f"kpi-{name}").inner_text()


def test_brw001_overview_shows_published_figures(live_server, page):
    page.goto(live_server + "/")
    page.get_by_test_id("kpi-incidents").wait_for()
    assert kpi(page, "incidents") == "60,391"
    assert kpi(page, "attended") == "56%"
    assert kpi(page, "msg") == "6th of 8"
    body = page.locator("main").inner_text()
    assert "33,644 of 60,391 incidents attended" in body
    assert "+46% on the previous 12 months" in body
    assert "Data to:" in body
    assert page.url.endswith("/?area=force&to=2021-03&covid=include")
    shot(page, "overview", publish=True)
    assert page.console_problems == []


def test_brw002_filters_update_figures_and_url_and_reload(live_server, page):
    page.goto(live_server + "/")
    page.get_by_test_id("kpi-incidents").wait_for()
    page.get_by_label("Exclude").check()
    wait_js(page, "document.querySelector('[data-testid=kpi-incidents]').innerText === '44,995'")
    wait_js(page, "window.location.search.endsWith('covid=exclude')")
    page.reload()
    page.get_by_test_id("kpi-incidents").wait_for()
    wait_js(page, "document.querySelector('[data-testid=kpi-incidents]').innerText === '44,995'")
    assert page.get_by_label("Exclude").is_checked()
    assert page.console_problems == []


def test_brw003_keyboard_only_area_change(live_server, page):
    page.goto(live_server + "/")
    page.get_by_test_id("kpi-incidents").wait_for()
    page.keyboard.press("Tab")  # the skip link comes first
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    # Tab through to the area list, as a keyboard user would, then type ahead.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "overview-filter-area":
            break
    assert page.evaluate("document.activeElement.id") == "overview-filter-area"
    page.keyboard.type("Colc")
    wait_js(page, "window.location.search.includes('Colchester')")
    wait_js(page, "document.querySelector('main').innerText.includes('Area: Colchester district')")
    assert "area=district:Colchester" in unquote(page.url)
    assert kpi(page, "incidents") != "60,391"
    shot(page, "overview-district", publish=True)
    assert page.console_problems == []


def test_brw004_bad_link_explains_and_recovers(live_server, page):
    page.goto(live_server + "/?area=district:Atlantis&to=2031-13&covid=maybe")
    page.get_by_test_id("kpi-incidents").wait_for()
    text = page.locator("main").inner_text()
    assert "Some filters in the link could not be used." in text
    assert "'district:Atlantis' is not a valid area" in text
    assert kpi(page, "incidents") == "60,391"
    assert page.url.endswith("/?area=force&to=2021-03&covid=include")
    shot(page, "overview-bad-link")


def test_brw005_unknown_page(live_server, page):
    response = page.goto(live_server + "/no-such-page")
    assert response.status == 404
    page.get_by_text("Page not found").first.wait_for()
    assert page.get_by_role("link", name="Go to the Overview").is_visible()


@pytest.mark.parametrize(
    "path", ["/", "/?area=district:Colchester&covid=exclude", "/?area=nowhere", "/no-such-page"]
)
def test_brw006_no_serious_accessibility_violations(live_server, page, path):
    page.goto(live_server + path)
    page.locator("main h1").wait_for()
    if path != "/no-such-page":
        page.get_by_test_id("kpi-incidents").wait_for()
    assert axe_violations(page) == []


KPI_PAGES = ["incidents", "attendance", "perception", "msg", "targets", "district"]


def first_summary(page) -> str:
    return page.locator(".chart-summary").first.inner_text()


@pytest.mark.parametrize("name", KPI_PAGES)
def test_brw007_every_page_filters_url_and_reload(live_server, page, name):
    # the District view asks for a district when none is in use: give it one
    page.goto(f"{live_server}/{name}" + ("?area=district:Harlow" if name == "district" else ""))
    page.locator(".chart-block .js-plotly-plot").first.wait_for()
    assert page.locator(".chart-block details table").count() >= 1  # the data behind each chart
    if name == "district":
        page.locator("#dst-map").scroll_into_view_if_needed()  # drawn when near the viewport
        page.locator("#dst-map .scatterlayer .js-fill").first.wait_for(state="attached")
        page.locator("#dst-trend").scroll_into_view_if_needed()
    shot(page, name, publish=True)
    before = first_summary(page)
    page.select_option(f"#{name}-filter-to", "2019-03")
    wait_js(page, "window.location.search.includes('to=2019-03')")
    # The address bar changes at once (in the browser); the content when the server answers
    # (while loading, the summary reads empty).
    wait_js(
        page,
        "b => document.querySelector('.chart-summary') &&"
        " document.querySelector('.chart-summary').innerText !== '' &&"
        " document.querySelector('.chart-summary').innerText !== b",
        arg=before,
    )
    after = first_summary(page)
    url = page.url
    page.reload()
    page.locator(".chart-block .js-plotly-plot").first.wait_for()
    wait_js(
        page,
        "a => document.querySelector('.chart-summary') &&"
        " document.querySelector('.chart-summary').innerText === a",
        arg=after,
    )
    assert page.url == url
    assert page.input_value(f"#{name}-filter-to") == "2019-03"
    assert page.console_problems == []


# test_brw008 (axe on every page) is tests/test_browser_pages.py::test_bpg001, at both widths.


def test_brw009_keyboard_changes_a_page_filter(live_server, page):
    page.goto(f"{live_server}/incidents")
    page.locator(".chart-block .js-plotly-plot").first.wait_for()
    page.focus("#incidents-filter-category")
    page.keyboard.type("Pers")
    wait_js(page, "window.location.search.includes('category=personal')")
    wait_js(page, "document.querySelector('.page-context').innerText.includes('personal ASB only')")


def test_brw010_download_a_table_as_csv(live_server, page, tmp_path):
    import pandas as pd

    page.goto(f"{live_server}/attendance")
    page.locator(".chart-block .js-plotly-plot").first.wait_for()
    page.locator("#att-annual details summary").click()
    with page.expect_download() as info:
        page.locator("#att-annual .table-downloads button", has_text="CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert frame["Incidents"].tolist()[-1] == 60391


def test_brw011_board_pack_button_downloads_the_current_view(live_server, page, tmp_path):
    from pypdf import PdfReader

    page.goto(f"{live_server}/?area=district:Harlow&to=2020-12&covid=exclude")
    page.get_by_test_id("kpi-incidents").wait_for()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Board pack (PDF)").click()
        # progress is shown in a live region while the pack is built in the background
        status = page.get_by_role("status").filter(has=page.locator("progress"))
        status.wait_for(timeout=20_000)
        shot(page, "board-pack-progress")
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename.endswith("_12m-to-2020-12.pdf")
    assert "Area: Harlow district" in PdfReader(path).pages[0].extract_text()
    page.get_by_text("Board pack ready").wait_for()
    assert page.get_by_role("link", name="Download it again").is_visible()


def test_brw012_print_stylesheet_gives_a_clean_page(live_server, page, tmp_path):
    from pypdf import PdfReader

    page.goto(f"{live_server}/attendance?area=district:Colchester&to=2021-03&covid=include")
    page.locator(".chart-block").first.wait_for()
    page.emulate_media(media="print")
    # Charts still waiting to be drawn (deferred_charts.js) are drawn for the printed page.
    wait_js(page, "document.querySelectorAll('.chart-pending').length === 0")
    # The controls go; the filters appear in words; every data table is opened.
    assert not page.locator(".app-navbar").is_visible()
    assert not page.locator(".filter-bar").is_visible()
    assert not page.get_by_role("button", name="Board pack (PDF)").is_visible()
    assert not page.locator(".chart-downloads").first.is_visible()
    showing = page.locator(".print-only")
    assert showing.is_visible()
    assert "Colchester district · 12 months to March 2021 · including Covid breaches" in (
        showing.inner_text()
    )
    wait_js(page, "[...document.querySelectorAll('details.chart-table')].every(d => d.open)")
    wait_js(
        page,
        "[...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout.width <= 1000)",
    )
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.js-plotly-plot')]"
        ".map(g => g._fullLayout.width))"
    )
    assert widest <= 1000  # charts sized to the printed page
    shot(page, "print-attendance")
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    reader = PdfReader(pdf)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Showing: Colchester district" in text
    assert "Board pack (PDF)" not in text and "Download this table" not in text
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    page.emulate_media(media="screen")
    wait_js(page, "[...document.querySelectorAll('details.chart-table')].every(d => !d.open)")


@pytest.fixture(scope="module")
def signed_in_server(default_db_url, tmp_path_factory):
    """The app with sign-in on (not demo mode), and one analyst account."""
    import sqlite3
    import threading

    from werkzeug.serving import make_server

    from dashboard.app import create_app
    from dashboard.core.extensions import db
    from dashboard.web.auth.passwords import hash_password
    from queries.accounts import save_account

    folder = tmp_path_factory.mktemp("signed-in")
    path = folder / "asb.sqlite3"
    with (
        sqlite3.connect(default_db_url.removeprefix("sqlite:///")) as src,
        sqlite3.connect(path) as dst,
    ):
        src.backup(dst)
    app = create_app(
        {
            "database_url": f"sqlite:///{path}",
            "instance_dir": folder,
            "secret_key": "k" * 48,
            "cookie_secure": "0",  # plain HTTP on loopback
            "log_level": "WARNING",
        }
    )
    with app.server.app_context():
        save_account(
            "ann.analyst",
            role="analyst",
            display_name="Ann Analyst",
            password_hash=hash_password("a long enough password"),
        )
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.configure(default_db_url)


def test_brw013_sign_in_with_the_keyboard_then_sign_out(signed_in_server, page):
    page.goto(signed_in_server + "/attendance?area=district:Harlow")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "/login?next=" in page.url
    assert axe_violations(page) == []
    shot(page, "sign-in", publish=True)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    page.keyboard.type("ann.analyst")
    page.keyboard.press("Tab")
    page.keyboard.type("a long enough password")
    page.keyboard.press("Enter")
    page.locator(".chart-summary").first.wait_for()
    assert page.url.endswith("/attendance?area=district:Harlow&to=2021-03&covid=include")
    assert "Ann Analyst (analyst)" in page.locator("header").inner_text()
    shot(page, "signed-in-attendance")
    assert page.get_by_role("button", name="Board pack (PDF)").is_visible()
    assert page.console_problems == []  # the CSP let every script the app needs run
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.goto(signed_in_server + "/")
    assert "/login" in page.url


def test_brw015_charts_draw_near_the_viewport_then_when_idle_and_again_after_a_filter(
    live_server, page
):
    page.goto(f"{live_server}/incidents?area=district:Colchester&to=2021-03")
    page.locator(".chart-summary").first.wait_for()
    # Every chart is drawn without scrolling: the first as it arrives, the rest in idle time.
    wait_js(page, "document.querySelectorAll('.chart-pending').length === 0")
    assert page.locator(".chart-block .js-plotly-plot .xtick").count() > 0
    # On screen the chart's area is on its meta line (the figure leaves its title to the page);
    # the chart itself is redrawn with the new area's values (its y ticks change).
    assert "Colchester" in page.locator("#inc-forecast .chart-meta").text_content()
    ticks = (
        "Array.from(document.querySelectorAll('#inc-forecast .ytick'))"
        ".map(t => t.textContent).join('|')"
    )
    before = page.evaluate(ticks)
    assert before
    page.select_option("#incidents-filter-area", "district:Harlow")
    wait_js(
        page,
        "document.querySelector('#inc-forecast .chart-meta').textContent.includes('Harlow') &&"
        f" !document.querySelector('#inc-forecast .chart-pending') && ({ticks}) !== {before!r}",
    )
    wait_js(page, "document.querySelectorAll('.chart-pending').length === 0")
    assert page.console_problems == []


def test_brw016_hot_spot_map_names_each_lsoa_on_hover(live_server, page):
    page.goto(f"{live_server}/district?area=district:Colchester")
    page.locator("#dst-map").scroll_into_view_if_needed()
    page.locator("#dst-map .scatterlayer .js-fill").first.wait_for(state="attached")
    wait_js(page, "!document.querySelector('#dst-map .chart-pending')")
    legend = page.locator("#dst-map .legendtext").all_text_contents()
    assert len(legend) >= 3 and legend[0] == "0"  # bands, lightest for no records
    # The map itself in view (its section, with the hot-spot table, is taller than the window).
    page.locator("#dst-map .nsewdrag").first.scroll_into_view_if_needed()
    box = page.locator("#dst-map .nsewdrag").first.bounding_box()
    label = None
    for fx in (0.5, 0.45, 0.55, 0.4, 0.6):
        for fy in (0.4, 0.3, 0.5, 0.6):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(100)
            texts = page.locator("#dst-map .hovertext").all_text_contents()
            if texts:
                label = texts[0]
                break
        if label:
            break
    assert label is not None and label.startswith("Colchester ") and label.endswith(" records")
    shot(page, "district-map-hover")
    assert page.console_problems == []


@pytest.mark.postgres
def test_brw014_database_outage_banner_then_the_page_recovers_by_itself(
    browser, scratch_postgres, tmp_path
):
    import threading

    from werkzeug.serving import make_server

    from dashboard.app import create_app
    from dashboard.core.database import make_engine
    from dashboard.loaders.bootstrap import build_default_data
    from tests.tcp_proxy import CuttableProxy

    engine = make_engine(scratch_postgres)
    build_default_data(engine, "pytest")
    engine.dispose()
    proxy = CuttableProxy("127.0.0.1", 5432)
    url = scratch_postgres.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    from dashboard.core.database import db

    shared_url = db.url  # create_app points this process's database here: restored below
    app = create_app(
        {"database_url": url, "instance_dir": tmp_path, "demo": True, "log_level": "CRITICAL"}
    )
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/?to=2021-03")
        page.get_by_test_id("kpi-incidents").wait_for()
        proxy.cut()
        page.get_by_label("Exclude").check()
        banner = page.get_by_text("The database is not answering just now")
        banner.wait_for(timeout=15_000)
        shot(page, "database-outage-banner")
        proxy.restore()
        # The page polls /healthz and reloads itself once the database answers.
        wait_js(page, "!document.body.innerText.includes('not answering')", timeout=30)
        page.get_by_test_id("kpi-incidents").wait_for()
        # The choice made during the outage went into the address bar at once, so the page
        # that reloads itself shows it (it used to come back showing the old figures).
        assert "covid=exclude" in page.url
        wait_js(
            page,
            "document.querySelector('[data-testid=kpi-incidents]').innerText.includes('44,995')",
        )
        assert page.get_by_label("Exclude").is_checked()
    finally:
        page.close()
        server.shutdown()
        proxy.close()
        db.configure(shared_url)  # the live server, and any test after this, go on as before
