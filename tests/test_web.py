"""The REST API and the pages, with a fake analyzer (no models): jobs, formats, limits, auth, escaping, restarts."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from veracity.web.app import create_app
from veracity.web.security import Settings
from webfakes import LINK, FakeAnalyzer


def make_app(home, **settings):
    settings = Settings(home=home, extra_hosts=("testserver",), **settings)
    return create_app(settings, analyzer_factory=FakeAnalyzer, warm_up=False)


@pytest.fixture
def client(tmp_path):
    with TestClient(make_app(tmp_path / "home")) as c:
        yield c


def wait(client, job_id, timeout=10.0, headers=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {job['status']}")


def test_a_pasted_article_becomes_a_job_then_a_report_in_every_format(client):
    response = client.post("/v1/analyze", json={"text": "Officials said 200 soldiers stay.", "persuasion": True})
    assert response.status_code == 202 and response.headers["location"].endswith(response.json()["id"])
    job = wait(client, response.json()["id"])
    assert job["status"] == "done" and job["error"] is None
    assert job["created_at"].endswith("Z") and job["finished_at"].endswith("Z")  # UTC, also after SQLite
    rid = job["report_id"]
    report = client.get(f"/v1/reports/{rid}").json()
    assert report["id"] == rid and report["claims"][0]["verdict"]["label"] == "refuted"
    md = client.get(f"/v1/reports/{rid}.md")
    assert md.headers["content-type"].startswith("text/markdown") and "# Title" in md.text
    assert client.get(f"/v1/reports/{rid}.html").text.startswith("<!doctype html>")
    reviews = client.get(f"/v1/reports/{rid}.claimreview.json").json()
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Refuted by the evidence"]
    assert reviews[0]["url"] == f"http://testserver/reports/{rid}#claim-c0"
    assert client.get("/v1/reports/nope").status_code == 404


def test_a_failed_job_says_why_with_the_error_code(client):
    job = wait(client, client.post("/v1/analyze", json={"text": "FAIL please"}).json()["id"])
    assert (job["status"], job["error"], job["error_code"]) == ("failed", "input contains only whitespace", "V100")


def test_exactly_one_source_is_required(client):
    assert client.post("/v1/analyze", json={}).status_code == 422
    assert client.post("/v1/analyze", json={"text": "a", "url": "https://example.org/"}).status_code == 422
    assert client.post("/v1/analyze", json={"text": "   "}).json()["detail"] == "input is empty"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/v1/health", "http://localhost/", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data", "file:///etc/passwd"])  # fmt: skip
def test_a_url_to_a_private_address_is_a_clear_422_before_any_job(client, url):
    response = client.post("/v1/analyze", json={"url": url})
    assert response.status_code == 422
    assert re.search(r"refusing to fetch a private|only http and https", response.json()["detail"])
    assert client.get("/v1/reports").json()["total"] == 0 and client.get("/v1/health").json()["queued"] == 0


def test_pasted_text_that_looks_like_a_path_is_never_read_from_disk(client, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    job = client.post("/v1/analyze", json={"text": str(secret)}).json()
    row = client.app.state.store.job(job["id"])
    assert row.kind == "text" and row.text == str(secret)  # the worker passes it as text=, never as a source


def test_a_20_mb_upload_gets_413(client):
    big = b"x" * (20 * 1024 * 1024)
    response = client.post("/v1/analyze/upload", files={"file": ("big.txt", big, "text/plain")})
    assert response.status_code == 413 and "limit" in response.json()["detail"]
    assert client.post("/", content=big).status_code == 413  # whatever the route


def test_an_upload_is_analysed(client):
    response = client.post("/v1/analyze/upload", files={"file": ("a.txt", b"Officials said so.", "text/plain")},
                           data={"persuasion": "true", "original_url": "https://example.org/a"})  # fmt: skip
    assert response.status_code == 202
    assert wait(client, response.json()["id"])["status"] == "done"


def test_reports_are_listed_newest_first_one_page_at_a_time(client):
    ids = [wait(client, client.post("/v1/analyze", json={"text": f"Article {k}."}).json()["id"])["report_id"]
           for k in range(3)]  # fmt: skip
    page = client.get("/v1/reports", params={"limit": 2}).json()
    assert page["total"] == 3 and [r["id"] for r in page["items"]] == ids[::-1][:2]
    assert page["items"][0]["verdict_counts"] == {"refuted": 1}
    assert [r["id"] for r in client.get("/v1/reports", params={"offset": 2}).json()["items"]] == ids[:1]
    history = client.get("/reports").text
    assert "3 reports" in history and all(i in history for i in ids)


def test_the_token_is_required_in_a_header_when_set(tmp_path):
    token = "s3cret-token-0123456789"
    with TestClient(make_app(tmp_path / "h", token=token)) as c:
        assert c.get("/v1/health").status_code == 401
        assert c.get("/").status_code == 401
        assert c.get("/v1/health", headers={"Authorization": "Bearer wrong-token-000000"}).status_code == 401
        assert c.get("/v1/health", headers={"Authorization": f"Bearer {token}"}).json()["status"] == "ok"
        assert c.get("/", auth=("anyone", token)).status_code == 200  # browsers: Basic, the token as password
        assert not c.cookies


def test_binding_beyond_loopback_needs_a_token_or_an_explicit_no_auth():
    with pytest.raises(ValueError, match="needs --token"):
        Settings(host="0.0.0.0")
    assert Settings(host="0.0.0.0", no_auth=True).allowed_hosts == ["*"]
    assert Settings(host="192.0.2.1", token="x" * 16).token
    with pytest.raises(ValueError, match="at least 16"):
        Settings(token="short")


def test_cross_site_posts_and_foreign_host_headers_are_refused(client):
    evil = {"Origin": "https://evil.example"}
    assert client.post("/v1/analyze", json={"text": "x y"}, headers=evil).status_code == 403
    assert client.post("/analyze", data={"text": "x y"}, headers=evil).status_code == 403
    assert client.post("/v1/analyze", json={"text": "x y"}, headers={"Origin": "http://testserver"}).status_code == 202
    assert client.post("/v1/analyze", json={"text": "x y"}, headers={"Origin": "null"}).status_code == 403
    hidden = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/v1/analyze", json={"text": "x y"}, headers=hidden).status_code == 202
    assert client.get("/v1/health", headers={"Host": "attacker.example"}).status_code == 400  # DNS rebinding


def test_analyses_are_rate_limited_per_client(tmp_path):
    with TestClient(make_app(tmp_path / "h", rate_limit=2)) as c:
        codes = [c.post("/v1/analyze", json={"text": "Some text."}).status_code for _ in range(3)]
        assert codes == [202, 202, 429]
        assert c.get("/v1/reports").status_code == 200  # reading is not limited


def test_a_job_over_the_timeout_fails_and_its_late_result_is_dropped(tmp_path):
    with TestClient(make_app(tmp_path / "h", timeout=0.3)) as c:
        job = wait(c, c.post("/v1/analyze", json={"text": "SLOW 1.0"}).json()["id"])
        assert (job["status"], job["error"]) == ("failed", "the analysis timed out")
        time.sleep(0.9)
        assert c.get(f"/v1/jobs/{job['id']}").json()["status"] == "failed"
        assert c.get("/v1/reports").json()["total"] == 0


def test_reports_persist_across_a_restart_on_sqlite_and_postgresql(tmp_path, db_url):
    with TestClient(make_app(tmp_path / "h", db_url=db_url)) as c:
        rid = wait(c, c.post("/v1/analyze", json={"text": "Kept."}).json()["id"])["report_id"]
        assert c.get("/v1/health").json()["database"] == db_url.split(":")[0].split("+")[0]
    with TestClient(make_app(tmp_path / "h", db_url=db_url)) as c:
        assert c.get(f"/v1/reports/{rid}").json()["claims"][0]["id"] == "c0"
        assert c.get("/v1/reports").json()["total"] == 1 and "Title" in c.get(f"/reports/{rid}").text


def test_queued_jobs_survive_a_restart_and_running_ones_are_requeued(tmp_path, db_url):
    home = tmp_path / "home"
    first = TestClient(make_app(home, db_url=db_url))  # no `with`: the app never starts, so its worker pool never runs
    queued = first.post("/v1/analyze", json={"text": "Queued before the restart."}).json()["id"]
    running = first.post("/v1/analyze", json={"text": "Running when it stopped."}).json()["id"]
    store = first.app.state.store
    assert store.claim_next().id == queued  # taken by a worker that then died with the server
    assert first.get(f"/v1/jobs/{queued}").json()["status"] == "running"
    with TestClient(make_app(home, db_url=db_url)) as second:
        assert wait(second, queued)["status"] == "done" and wait(second, running)["status"] == "done"


def test_the_report_page_shows_the_article_with_claims_and_techniques_marked(client):
    rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
    html = client.get(f"/reports/{rid}").text
    assert 'class="claim v-refuted said" id="mark-claim-c0" href="#claim-c0"' in html
    assert 'class="claim v-unchecked" id="mark-claim-c1" href="#claim-c1"' in html
    assert re.search(r'<mark class="tech t8" title="Loaded Language \(0\.80\)">a disaster', html)
    assert '<mark class="tech t5">Doubt: 1</mark>' in html  # the legend, one colour per technique
    assert 'id="claim-c0" tabindex="-1"' in html and "✗ refuted" in html
    assert '<a href="https://example.org/evidence" rel="noopener noreferrer nofollow">Safe doc</a>' in html
    assert client.get(f"/v1/reports/{rid}.html").status_code == 200


def test_every_string_is_escaped_and_no_javascript_link_is_live(client):
    rid = wait(client, client.post("/v1/analyze", json={"text": "x y"}).json()["id"])["report_id"]
    for path in (f"/reports/{rid}", f"/v1/reports/{rid}.html", "/reports"):
        html = client.get(path).text
        assert (
            "<script>window" not in html
            and "<img src=x" not in html
            and "onerror=" not in html.replace("onerror=&#34;", "")
        )
        assert "&lt;script&gt;" in html or path == "/reports"
        assert not re.search(r'href="\s*javascript:', html, re.I)
    page = client.get(f"/reports/{rid}")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert LINK not in re.findall(r'href="([^"]*)"', page.text)


def test_the_form_queues_a_job_and_redirects_to_it(client):
    response = client.post("/analyze", data={"text": "Officials said 200 soldiers stay."}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("http://testserver/jobs/")
    job_id = response.headers["location"].rsplit("/", 1)[1]
    wait(client, job_id)
    final = client.get(f"/jobs/{job_id}")
    assert final.url.path.startswith("/reports/") and "Title" in final.text
    bad = client.post("/analyze", data={"url": "http://127.0.0.1/"})
    assert bad.status_code == 422 and "refusing to fetch a private" in bad.text


def test_openapi_lists_every_endpoint_and_the_docs_need_no_cdn(client):
    paths = client.get("/openapi.json").json()["paths"]
    report = "/v1/reports/{report_id}"
    expected = {"/v1/analyze", "/v1/analyze/upload", "/v1/jobs/{job_id}", "/v1/reports", report, f"{report}.md",
                f"{report}.html", f"{report}.claimreview.json", "/v1/search", "/v1/corpora",
                "/v1/corpora/{name}/documents", "/v1/health"}  # fmt: skip
    assert expected <= set(paths)
    docs = client.get("/docs").text
    assert "/static-offline-docs/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_health_reports_the_database_and_the_queue(client):
    health = client.get("/v1/health").json()
    assert health | {"version": None} == {"status": "ok", "ready": True, "queued": 0, "workers": 1,
                                          "database": "sqlite", "version": None}  # fmt: skip


def test_corpora_lists_the_collections_with_their_counts(tmp_path):
    from fastapi.testclient import TestClient

    from veracity.evidence.store import SourceDocument, Store

    store = Store(tmp_path)
    collection = store.collection("notes", "corpus", create=True)
    text = "Canada sent 69 advisers."
    store.put(collection, SourceDocument(key="a.txt", text=text, passages=[(0, len(text), text)]))
    store.engine.dispose()
    with TestClient(make_app(tmp_path)) as client:
        got = client.get("/v1/corpora").json()
    assert [(c["name"], c["kind"], c["documents"], c["passages"]) for c in got] == [("notes", "corpus", 1, 1)]
