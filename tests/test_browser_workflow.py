"""The web app in a real browser at desktop (1366 px) and phone (390 px) widths (issue 29): Playwright driving
Debian's chromium against servers on 127.0.0.1, with fake analyzers except where the real pipeline is the point
(fact-check matching). Skipped like tests/test_browser.py when chromium or Playwright is missing (failed in CI)."""

from __future__ import annotations

import json
import os
import re

import pytest

from test_browser import CHROMIUM, _missing, serve
from veracity.web.app import create_app
from veracity.web.security import Settings
from webfakes import FakeAnalyzer
from webstaged import CITED, CitingAnalyzer, StagedAnalyzer, store_note

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, as in tests/test_browser.py (skipped without it, failed in CI)."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # generous: the test machine may be busy (training, other suites)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def new_page(browser, viewport):
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(60_000)
    return page


@pytest.fixture
def app_at(tmp_path):
    """Serve an app (a fake analyzer unless told) in a fresh home; stopped after the test."""
    stops = []

    def start(factory=FakeAnalyzer, **settings):
        app = create_app(Settings(home=tmp_path / "home", **settings), analyzer_factory=factory, warm_up=False)
        base, stop = serve(app)
        stops.append(stop)
        return base

    yield start
    for stop in stops:
        stop()


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@WIDTHS
def test_a_form_error_keeps_the_input_and_text_with_an_address_is_a_clear_error(browser, app_at, tmp_path, viewport):
    from playwright.sync_api import expect

    store_note(tmp_path / "home")
    base = app_at()
    page = new_page(browser, viewport)
    page.goto(base + "/")
    page.fill("#text", "The minister said 200 soldiers would stay in Iraq.")
    page.fill("#url", "https://example.org/story")
    page.check("input[name=corpora][value=notes]")
    page.check("input[name=persuasion]")
    page.fill("#claim_threshold", "0.45")
    page.fill("#published", "2016-10-20")
    page.click("button[type=submit]")
    expect(page.locator("#form-error")).to_contain_text("give the article one way")
    expect(page.locator("#text")).to_have_value("The minister said 200 soldiers would stay in Iraq.")
    expect(page.locator("#url")).to_have_value("https://example.org/story")
    expect(page.locator("input[name=corpora][value=notes]")).to_be_checked()
    expect(page.locator("input[name=persuasion]")).to_be_checked()
    expect(page.locator("#claim_threshold")).to_have_value("0.45")
    expect(page.locator("#published")).to_have_value("2016-10-20")
    assert no_overflow(page)
    page.fill("#url", "")  # corrected: the text alone goes through
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/*")


@WIDTHS
def test_the_job_page_shows_the_stage_and_elapsed_time_and_cancels(browser, app_at, viewport):
    from playwright.sync_api import expect

    StagedAnalyzer.ran.clear()
    base = app_at(StagedAnalyzer)
    page = new_page(browser, viewport)
    page.goto(base + "/")
    page.fill("#text", "STAGES 0 20 0")
    page.click("button[type=submit]")
    page.wait_for_url("**/jobs/*")
    loads, polls = [], []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    page.on("request", lambda r: polls.append(r.url) if "/v1/jobs/" in r.url else None)
    expect(page.locator("#job-activity")).to_have_text("Scoring how check-worthy each sentence is")
    expect(page.locator("#job-step")).to_have_text(" (step 2 of 3)")
    page.wait_for_timeout(4000)
    assert int(page.locator("#job-elapsed").inner_text()) >= 3  # ticks without reloading
    assert loads == [] and 2 <= len(polls) <= 8  # polled with back-off (a reload every second made 26 GETs)
    assert no_overflow(page)
    page.click("#cancel")
    expect(page.locator("#job-status")).to_have_text("cancelled")
    assert "evidence" not in StagedAnalyzer.ran


@WIDTHS
def test_an_evidence_link_opens_the_document_with_the_sentence_highlighted(browser, app_at, tmp_path, viewport):
    from playwright.sync_api import expect

    CitingAnalyzer.document_id = store_note(tmp_path / "home")
    base = app_at(CitingAnalyzer)
    page = new_page(browser, viewport)
    page.goto(base + "/")
    page.fill("#text", "anything")
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/*")
    page.locator("a.claim[data-claim=claim-c0]").click()
    page.locator("#claim-c0 a.doc").click()
    page.wait_for_url(re.compile(r".*/collections/notes/documents/\d+\?start=\d+&end=\d+#cited$"))
    cited = page.locator("mark#cited")
    expect(cited).to_have_text(CITED)
    expect(cited).to_be_in_viewport()
    assert cited.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert no_overflow(page)


def test_the_standalone_html_is_styled_under_its_own_policy(browser, app_at):
    base = app_at()
    page = new_page(browser, DESKTOP)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(base + "/")
    page.fill("#text", "anything")
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/*")
    page.goto(page.url.split("#")[0].replace("/reports/", "/v1/reports/") + ".html")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "960px"  # 60rem: the stylesheet applied
    assert page.evaluate("getComputedStyle(document.querySelector('.badge')).color") == "rgb(255, 255, 255)"
    assert refused == []


def test_every_page_fits_a_phone_and_who_says_what_is_shown_without_hover(browser, app_at, tmp_path):
    from playwright.sync_api import expect

    CitingAnalyzer.document_id = store_note(tmp_path / "home", "a-collection-with-a-rather-long-name-for-a-phone")
    base = app_at(CitingAnalyzer)
    page = new_page(browser, PHONE)
    page.goto(base + "/")
    page.fill("#text", "anything")
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/*")
    report = page.url.split("#")[0]
    page.locator("a.claim[data-claim=claim-c0]").click()
    panel = page.locator("#claim-c0")
    expect(panel.locator("dd", has_text="hedged")).to_be_visible()  # speaker and hedges in the panel, no hover
    expect(page.locator("#who")).to_contain_text("hedged")
    assert page.locator("svg.mix rect").count() >= 1 and page.locator("svg.strip rect").count() == 2
    document = page.locator("#claim-c0 a.doc").get_attribute("href")
    # (the job page at this width: test_the_job_page_shows_the_stage_and_elapsed_time_and_cancels)
    pages = ["/", report, "/reports", "/collections", document, "/no/such/page",
             report.replace("/reports/", "/v1/reports/") + ".html"]
    for path in pages:
        page.goto(path if path.startswith("http") else base + path)
        assert no_overflow(page), f"{path} is wider than the phone"
    page.goto(base + "/")
    page.fill("#text", "x")
    page.fill("#url", "https://example.org/")
    page.click("button[type=submit]")
    assert no_overflow(page), "the form with an error is wider than the phone"
    nav = page.locator("header.top nav a", has_text="API")
    expect(nav).to_be_in_viewport()


def test_a_ticked_fact_check_collection_is_matched_as_fact_checks_never_read_as_evidence(browser, app_at, tmp_path):
    """The real pipeline: fact-checks imported in the web app, ticked on the form, shown with rating and link."""
    from playwright.sync_api import expect

    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([{
        "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://factcheck.example/canada-70",
        "claimReviewed": "Canada sent 70 military instructors to northern Iraq in 2014.",
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"}}]))  # fmt: skip
    base = app_at(None, timeout=900)
    page = new_page(browser, DESKTOP)
    page.goto(base + "/collections")
    page.fill("#fc-name", "examplefc")
    page.set_input_files("#fc-file", str(reviews))
    page.click("form[action$='/collections/factchecks'] button[type=submit]")
    expect(page.locator("p[role=status]")).to_contain_text("examplefc: 1 fact-checks added", timeout=300000)
    page.goto(base + "/")
    expect(page.locator("input[name=corpora][value=examplefc]")).to_have_count(0)
    page.check("input[name=factchecks][value=examplefc]")
    page.fill("#text", "Canada sent 70 military instructors to northern Iraq in 2014, the government said. The "
                       "mission cost $371 million over two years, officials said on Tuesday. Critics in Parliament "
                       "asked for a debate.")  # fmt: skip
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/*", timeout=900000)
    panel = page.locator("section.panel", has=page.locator("blockquote", has_text="70 military instructors"))
    page.locator(f"a.claim[data-claim={panel.get_attribute('id')}]").click()
    match = panel.locator("li.factcheck")
    expect(match).to_contain_text("rated Mostly true")
    expect(match.locator("a")).to_have_attribute("href", "https://factcheck.example/canada-70")
    assert page.locator(".panel ul.evidence").count() == 0  # no fact-check was read as an evidence passage
