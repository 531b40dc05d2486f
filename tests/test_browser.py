"""The web app in a real browser: Playwright driving Debian's chromium (no browser download) against a server on
127.0.0.1. Skipped when chromium or Playwright is missing, except in CI ($CI set), where .ci/run installs both."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from veracity.web.app import create_app
from veracity.web.security import Settings
from webfakes import FakeAnalyzer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _missing() -> str | None:
    if CHROMIUM is None:
        return "no chromium (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright (pip install -e .[dev])"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def serve(app) -> tuple[str, callable]:
    """Run `app` on uvicorn on a free 127.0.0.1 port in a thread; (base URL, stop)."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def test_no_script_runs_from_a_hostile_report(browser, tmp_path):
    base, stop = serve(create_app(Settings(home=tmp_path / "h"), analyzer_factory=FakeAnalyzer, warm_up=False))
    try:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "/")
        page.fill("#text", "anything: the fake analyzer returns a report full of payloads")
        page.click("button[type=submit]")
        page.wait_for_url("**/reports/*", timeout=15000)
        for claim in page.locator("a.claim[data-claim]").all():
            claim.click()
        for link in page.locator(".panel a").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
        page.goto(page.url.split("#")[0].replace("/reports/", "/v1/reports/") + ".html")
        page.goto(base + "/reports")
        assert page.evaluate("window.__xss") is None and dialogs == []
    finally:
        stop()


def test_the_example_article_is_highlighted_with_verdicts_techniques_and_evidence(browser, tmp_path):
    """The real pipeline (persuasion on, the demo corpus as evidence), from the form to a claim's evidence."""
    from playwright.sync_api import expect

    base, stop = serve(create_app(Settings(home=tmp_path / "h", timeout=600), warm_up=False))
    try:
        import httpx

        files = [("files", (p.name, p.read_bytes(), "text/markdown"))
                 for p in sorted((ROOT / "examples" / "corpus-iraq").glob("*.md"))]  # fmt: skip
        added = httpx.post(f"{base}/v1/corpora/iraq/documents", files=files, timeout=300).json()
        assert added["added"] == len(files)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base + "/")
        page.fill("#text", EXAMPLE.read_text(encoding="utf-8"))
        page.fill("#original_url", "https://www.globalresearch.ca/canada-is-building-up-its-military-presence-in-"
                                   "iraq-involved-in-mosul-offensive/5556677")  # fmt: skip
        page.check("input[name=persuasion]")
        page.check("input[name=corpora][value=iraq]")
        page.click("button[type=submit]")
        page.wait_for_url("**/reports/*", timeout=300000)
        claims = page.locator("a.claim[data-claim]")
        assert claims.count() >= 10
        verdicts = page.locator(".article a.claim.v-refuted, .article a.claim.v-supported, "
                                ".article a.claim.v-not_enough_evidence, .article a.claim.v-disputed")  # fmt: skip
        assert verdicts.count() == claims.count()  # every claim was checked against the corpus
        marks = page.locator(".article mark.tech")
        assert marks.count() > 0
        colours = {m.evaluate("e => getComputedStyle(e).backgroundColor") for m in marks.all()}
        assert len(colours) >= 2 and "rgba(0, 0, 0, 0)" not in colours  # one colour per technique
        assert page.locator(".legend mark.tech").count() >= 2
        first = page.locator(".article a.claim.v-refuted, .article a.claim.v-supported").first
        if first.count() == 0:
            first = claims.first
        panel = page.locator(f"#{first.get_attribute('data-claim')}")
        expect(panel).to_be_hidden()
        first.click()
        expect(panel).to_be_visible()
        expect(panel.locator(".evidence li").first).to_be_visible()
        page.keyboard.press("j")  # keyboard navigation: the next claim's panel
        expect(panel).to_be_hidden()
        first.click()
        # The README's picture is refreshed only on request (VERACITY_SCREENSHOT=docs/img/report.png), so a test run
        # never changes a tracked file.
        shot = Path(os.environ.get("VERACITY_SCREENSHOT") or tmp_path / "report.png")
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000
    finally:
        stop()
