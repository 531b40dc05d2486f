"""The web app as a fact-checker uses it every day (issue 29), through the API and the pages with fake analyzers:
the form keeps its input, submissions are checked at once, jobs say their stage and can be cancelled, evidence opens
its document, reports are searched, filtered, deleted and exported, collections are managed from the app."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from fastapi.testclient import TestClient

from veracity.web.app import create_app
from veracity.web.security import Settings
from webfakes import FakeAnalyzer
from webstaged import CITED, CitingAnalyzer, StagedAnalyzer, store_note

HTML = {"Accept": "text/html,application/xhtml+xml"}


def make_app(home, factory=FakeAnalyzer, **settings):
    settings = Settings(home=home, extra_hosts=("testserver",), **settings)
    return create_app(settings, analyzer_factory=factory, warm_up=False)


@pytest.fixture
def client(tmp_path):
    with TestClient(make_app(tmp_path / "home")) as c:
        yield c


def wait(client, job_id, until=("done", "failed", "cancelled"), timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in until:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {job['status']}")


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_form_error_keeps_the_text_the_address_and_the_ticked_boxes(tmp_path):
    store_note(tmp_path / "home")
    with TestClient(make_app(tmp_path / "home")) as client:
        form = {"text": "Officials said 200 soldiers stay.", "url": "https://example.org/story", "corpora": "notes",
                "persuasion": "true", "claim_threshold": "0.4", "claim_budget": "12", "published": "2016-10-20",
                "original_url": "https://example.org/original", "persuasion_tagger": "accurate"}  # fmt: skip
        page = client.post("/analyze", data=form)
        assert page.status_code == 422
        assert "give the article one way: this form has pasted text and an address" in page.text
        assert '<textarea id="text" name="text" rows="14">Officials said 200 soldiers stay.</textarea>' in page.text
        assert 'name="url" type="url" placeholder="https://example.org/story" value="https://example.org/story"' \
            in page.text
        assert 'value="notes" checked' in page.text and 'name="persuasion" value="true" checked' in page.text
        assert '<option value="accurate" selected>' in page.text
        for value in ("0.4", "12", "2016-10-20", "https://example.org/original"):
            assert f'value="{value}"' in page.text
        assert client.get("/v1/health").json()["queued"] == 0  # nothing was queued: the URL did not silently win


def test_an_unknown_or_invalid_collection_is_refused_at_submission(client):
    for body in ({"text": "Some text here.", "corpora": ["nope"]}, {"text": "Some text.", "factchecks": ["../x"]}):
        response = client.post("/v1/analyze", json=body)
        assert response.status_code == 422 and response.json()["code"] == "V100"
    assert "no evidence collection named 'nope'" in client.post("/v1/analyze", json={"text": "x y", "corpora": ["nope"]}
                                                               ).json()["detail"]  # fmt: skip
    assert client.get("/v1/health").json()["queued"] == 0
    page = client.post("/analyze", data={"text": "Some text.", "corpora": "nope"})
    assert page.status_code == 422 and "no evidence collection named" in page.text
    assert "veracity corpus" not in page.text


def test_an_unresolvable_url_is_a_4xx_with_the_network_error_code(client):
    response = client.post("/v1/analyze", json={"url": "https://no-such-host.invalid/story"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "V210" and "cannot resolve host" in response.json()["detail"]
    assert client.get("/v1/health").json()["queued"] == 0


def test_claimreview_urls_use_the_public_url(tmp_path):
    with TestClient(make_app(tmp_path / "h", public_url="https://checks.example.org")) as client:
        rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
        reviews = client.get(f"/v1/reports/{rid}.claimreview.json").json()
        assert reviews[0]["url"] == f"https://checks.example.org/reports/{rid}#claim-c0"
        assert reviews[0]["position"] == 1


def test_a_job_reports_its_stage_and_elapsed_time_and_can_be_cancelled(tmp_path):
    StagedAnalyzer.ran.clear()
    with TestClient(make_app(tmp_path / "h", StagedAnalyzer)) as client:
        job_id = client.post("/v1/analyze", json={"text": "STAGES 0 3 0"}).json()["id"]
        deadline = time.monotonic() + 10
        job = client.get(f"/v1/jobs/{job_id}").json()
        while job["stage"] != "claims" and time.monotonic() < deadline:
            time.sleep(0.02)
            job = client.get(f"/v1/jobs/{job_id}").json()
        assert (job["status"], job["stage"], job["stage_number"], job["stage_count"]) == ("running", "claims", 2, 3)
        assert job["activity"] == "scoring how check-worthy each sentence is" and job["elapsed_seconds"] >= 0
        cancelled = client.post(f"/v1/jobs/{job_id}/cancel").json()
        assert cancelled["status"] == "cancelled" and cancelled["stage"] is None
        time.sleep(3.5)  # the claims stage ends; the job stops before the evidence stage
        assert StagedAnalyzer.ran == ["nlp", "claims"]
        final = client.get(f"/v1/jobs/{job_id}").json()
        assert final["status"] == "cancelled" and final["report_id"] is None
        assert client.get("/v1/reports").json()["total"] == 0
        assert client.post("/v1/jobs/nope/cancel").status_code == 404
        done = wait(client, client.post("/v1/analyze", json={"text": "STAGES 0 0 0"}).json()["id"])
        assert client.post(f"/v1/jobs/{done['id']}/cancel").json()["status"] == "done"  # ended jobs stay as they were


def test_the_job_page_shows_the_stage_elapsed_time_and_a_cancel_button_and_does_not_reload_itself(tmp_path):
    with TestClient(make_app(tmp_path / "h", StagedAnalyzer)) as client:
        job_id = client.post("/v1/analyze", json={"text": "STAGES 3 0 0"}).json()["id"]
        while client.get(f"/v1/jobs/{job_id}").json()["stage"] != "nlp":
            time.sleep(0.02)
        page = client.get(f"/jobs/{job_id}").text
        assert "Finding sentences, names, numbers and dates" in page and "(step 1 of 3)" in page
        assert 'id="job-elapsed"' in page and f'action="http://testserver/jobs/{job_id}/cancel"' in page
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page  # no 1-second reload
        response = client.post(f"/jobs/{job_id}/cancel", follow_redirects=True)
        assert "Analysis <span id=\"job-status\">cancelled</span>" in response.text


def test_an_evidence_link_opens_the_document_with_the_cited_sentence_highlighted(tmp_path):
    home = tmp_path / "home"
    CitingAnalyzer.document_id = store_note(home)
    with TestClient(make_app(home, CitingAnalyzer)) as client:
        rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
        page = client.get(f"/reports/{rid}").text
        link = re.search(r'<a class="doc" href="([^"]+)">read it in the document</a>', page).group(1)
        assert link.startswith(f"/collections/notes/documents/{CitingAnalyzer.document_id}?start=")
        assert "/srv/secret" not in page  # no server path, now that the document has a page
        doc = client.get(link.replace("&amp;", "&"))
        assert f'<mark id="cited" class="cited" tabindex="-1">{CITED}</mark>' in doc.text
        assert "Iraq notes" in doc.text and "iraq.md" in doc.text and "/srv/secret" not in doc.text
        api = client.get(f"/v1/corpora/notes/documents/{CitingAnalyzer.document_id}").json()
        start = int(re.search(r"start=(\d+)", link).group(1))
        assert api["text"][start : start + len(CITED)] == CITED and api["name"] == "iraq.md"
        md = client.get(f"/v1/reports/{rid}.md").text
        assert f"(<http://testserver/collections/notes/documents/{CitingAnalyzer.document_id}?start={start}" in md
        html = client.get(f"/v1/reports/{rid}.html")
        assert f'href="http://testserver/collections/notes/documents/{CitingAnalyzer.document_id}?start={start}' \
            in html.text


def test_the_standalone_html_carries_a_policy_that_allows_its_own_stylesheet(client):
    import base64
    import hashlib
    import html

    rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
    response = client.get(f"/v1/reports/{rid}.html")
    css = re.search(r"<style>(.*?)</style>", response.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"style-src 'sha256-{digest}'" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert f"style-src 'sha256-{digest}'" in html.unescape(response.text)  # its <meta> policy, for the saved file


def test_missing_pages_are_html_for_a_browser_and_json_for_the_api(client):
    page = client.get("/reports/nope", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text and "no report nope" in page.text
    assert client.get("/no/such/page", headers=HTML).headers["content-type"].startswith("text/html")
    api = client.get("/v1/reports/nope", headers=HTML)
    assert api.status_code == 404 and api.json() == {"detail": "no report nope"}


def test_openapi_documents_the_error_answers(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"401", "413", "422", "429"} <= set(paths["/v1/analyze"]["post"]["responses"])
    for path in ("/v1/jobs/{job_id}", "/v1/reports/{report_id}", "/v1/reports/{report_id}.md",
                 "/v1/corpora/{name}/documents/{document_id}"):  # fmt: skip
        assert "404" in paths[path]["get"]["responses"], path
    assert "404" in paths["/v1/jobs/{job_id}/cancel"]["post"]["responses"]
    error = paths["/v1/jobs/{job_id}"]["get"]["responses"]["404"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("/ErrorOut")


def test_plurals_and_no_command_line_advice_in_the_web_app(tmp_path):
    from veracity.errors import InputError

    class OneClaim(FakeAnalyzer):
        def __call__(self, source=None, **kwargs):
            if kwargs.get("text", "").startswith("LIMIT"):
                raise InputError("input.txt is over the 10 MB limit (see --max-mb)")
            report = super().__call__(source, **kwargs)
            report.claims = report.claims[1:]
            report.summary.assessment = ["1 check-worthy claims were found; none were checked against evidence "
                                         "(add a corpus or fact-checks: veracity analyze --corpus NAME --factchecks "
                                         "NAME)."]  # an older report's wording  # fmt: skip
            report.source.provenance = "no outlet domain found (give the article's address with --url)"
            return report

    with TestClient(make_app(tmp_path / "h", OneClaim)) as client:
        rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
        failed = wait(client, client.post("/v1/analyze", json={"text": "LIMIT"}).json()["id"])
        pages = {path: visible_text(client.get(path).text) for path in
                 ("/", f"/reports/{rid}", "/reports", "/collections", f"/jobs/{failed['id']}")}  # fmt: skip
    assert "1 claim, numbered in reading order" in pages[f"/reports/{rid}"]
    assert "All 1 claim" in pages[f"/reports/{rid}"] and "1 claims" not in pages[f"/reports/{rid}"]
    assert "is over the 10 MB limit" in pages[f"/jobs/{failed['id']}"]
    for path, text in pages.items():
        assert not re.search(r"(?<![\w-])--[a-z]", text), path
        assert "veracity analyze" not in text and "veracity corpus" not in text, path


def test_history_is_searched_filtered_and_a_report_deleted(client):
    from veracity.schema import Document

    first = wait(client, client.post("/v1/analyze", json={"text": "Harbour story."}).json()["id"])["report_id"]
    second = wait(client, client.post("/v1/analyze", json={"text": "Bridge story."}).json()["id"])["report_id"]
    store = client.app.state.store
    report = store.get(second)
    report.document = Document(text=report.document.text, title="The bridge was closed", url="https://x.org/b")
    report.summary.verdict_counts = {}
    store.save(report)
    assert [r["id"] for r in client.get("/v1/reports", params={"q": "BRIDGE"}).json()["items"]] == [second]
    assert [r["id"] for r in client.get("/v1/reports", params={"verdict": "refuted"}).json()["items"]] == [first]
    assert [r["id"] for r in client.get("/v1/reports", params={"verdict": "unchecked"}).json()["items"]] == [second]
    page = client.get("/reports", params={"q": "bridge"}).text
    assert "1 report found" in page and second in page and first not in page
    gone = client.post(f"/reports/{first}/delete", follow_redirects=True)
    assert "The report was deleted." in gone.text and first not in gone.text
    assert client.get(f"/v1/reports/{first}").status_code == 404
    assert client.delete(f"/v1/reports/{second}").status_code == 204
    assert client.get("/v1/reports").json()["total"] == 0


def test_a_reports_claims_export_as_csv_in_reading_order_without_live_formulas(tmp_path):
    class Formula(FakeAnalyzer):
        def __call__(self, source=None, **kwargs):
            report = super().__call__(source, **kwargs)
            report.claims[1].text = '=HYPERLINK("https://evil.example","click")'
            return report

    with TestClient(make_app(tmp_path / "h", Formula)) as client:
        rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
        response = client.get(f"/v1/reports/{rid}.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="veracity-{rid}-claims.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["number"] for r in rows] == ["1", "2"] and rows[0]["verdict"] == "refuted"
    assert rows[1]["claim"].startswith("'=HYPERLINK") and rows[1]["verdict_in_words"] == "not checked"


def test_the_form_sends_fact_check_collections_as_fact_checks_with_the_date_and_claim_options(tmp_path):
    from veracity.evidence.store import SourceDocument, Store

    home = tmp_path / "home"
    store_note(home)
    store = Store(home)
    fc = store.collection("snopes", "factchecks", create=True)
    text = "Canada sent 70 instructors to Iraq."
    store.put(fc, SourceDocument(key="fc1", text=text, claim=text, rating="False", passages=[(0, len(text), text)]))
    store.engine.dispose()
    with TestClient(make_app(home)) as client:
        form = client.get("/").text
        assert 'name="factchecks" value="snopes"' in form and 'name="corpora" value="notes"' in form
        assert 'name="corpora" value="snopes"' not in form
        response = client.post("/analyze", data={"text": "Canada sent 70 instructors.", "factchecks": "snopes",
                                                 "published": "2016-10-18", "claim_threshold": "0.3",
                                                 "all_claims": "true"}, follow_redirects=False)  # fmt: skip
        job_id = response.headers["location"].rsplit("/", 1)[1]
        import json

        options = json.loads(client.app.state.store.job(job_id).options)
        assert options["factchecks"] == ["snopes"] and options["corpora"] == []
        assert (options["published"], options["claim_threshold"], options["claim_budget"]) == ("2016-10-18", 0.3, None)
        report = client.get(f"/v1/reports/{wait(client, job_id)['report_id']}").json()
        assert report["document"]["published"] == "2016-10-18"  # the worker gave the document the date


def test_fact_checks_are_imported_and_collections_removed_in_the_web_app(tmp_path):
    claimreview = ('{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://fc.example/70", '
                   '"claimReviewed": "Canada sent 70 instructors to Iraq", "author": {"name": "FC Example"}, '
                   '"reviewRating": {"@type": "Rating", "alternateName": "Mostly true"}}')  # fmt: skip
    with TestClient(make_app(tmp_path / "home")) as client:
        page = client.post("/collections/factchecks", data={"name": "fcx", "format": "auto"},
                           files={"file": ("reviews.json", claimreview.encode(), "application/json")})  # fmt: skip
        assert page.status_code == 200 and "fcx: 1 fact-checks added" in page.text, page.text
        assert [(c["name"], c["kind"]) for c in client.get("/v1/corpora").json()] == [("fcx", "factchecks")]
        bad = client.post("/collections/factchecks", data={"name": "bad"},
                          files={"file": ("notes.txt", b"just some words", "text/plain")})  # fmt: skip
        assert bad.status_code == 422 and "reviews" not in bad.text and "/tmp" not in bad.text
        assert "--format" not in bad.text
        removed = client.post("/collections/fcx/remove")
        assert "Removed the collection fcx." in removed.text and client.get("/v1/corpora").json() == []
        assert client.delete("/v1/corpora/fcx").status_code == 404
