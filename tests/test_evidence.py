"""Evidence collections: passages, incremental adds, fact-check formats, hybrid search, claim-matching eval."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.evidence.collections import add_documents, import_factchecks, remove_collection
from veracity.evidence.factchecks import read_factchecks
from veracity.evidence.indexes import CollectionIndex
from veracity.evidence.passages import passages, sentence_spans
from veracity.evidence.search import Searcher
from veracity.evidence.store import Store
from veracity.lab.evidence.matching import average_precision, score_rankings

runner = CliRunner()

IRAQ = (
    "Canada extends its mission in Iraq.\n\n"
    "The Canadian government said on Tuesday it would extend its military mission in Iraq until 2019. "
    "About 200 special forces troops will stay. Officials said the troops train Kurdish peshmerga fighters.\n"
)
MOSUL = (
    "<html><head><title>Mosul offensive begins</title></head><body><article><h1>Mosul offensive begins</h1>"
    "<p>Iraqi forces launched an offensive to retake Mosul from Islamic State on Monday. Canadian special forces "
    "are advising Kurdish units near the city.</p><p>The United Nations warned that up to a million civilians "
    "could be displaced by the fighting.</p></article></body></html>"
)
WEATHER = "Heavy snow is expected in Ottawa this weekend. Forecasters said 30 cm could fall by Sunday.\n"


@pytest.fixture(autouse=True, params=["sqlite", "postgresql"])
def database(request, monkeypatch):
    """Every test here runs twice: on SQLite in its home, and on a fresh PostgreSQL database ($VERACITY_DB_URL)."""
    if request.param == "sqlite":
        monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    else:
        from postgres import fresh_database

        monkeypatch.setenv("VERACITY_DB_URL", fresh_database(request.getfixturevalue("postgres")))
    return request.param


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "iraq.txt").write_text(IRAQ, encoding="utf-8")
    (folder / "sub" / "mosul.html").write_text(MOSUL, encoding="utf-8")
    (folder / "weather.md").write_text(WEATHER, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "home")


def test_passages_are_sentence_windows_with_exact_offsets():
    text = "First one. Dr. Smith said the second.\nThird line here. Fourth? Fifth!"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "First one.", "Dr. Smith said the second.", "Third line here.", "Fourth?", "Fifth!",
    ]  # fmt: skip
    windows = passages(text)
    assert all(text[a:b] == t for a, b, t in windows)
    assert windows[0][2].startswith("First one.") and windows[-1][2].endswith("Fifth!")
    # consecutive windows share a sentence, so nothing falls between two windows
    assert all(b[0] < a[1] for a, b in zip(windows, windows[1:], strict=False))


def test_adding_the_same_folder_twice_changes_nothing(store, docs):
    first = add_documents(store, "news", [docs])
    assert (first.added, first.skipped) == (3, [])
    info = store.info("news")
    index = CollectionIndex(store, store.collection("news"))
    built = index.built_revision()
    second = add_documents(store, "news", [docs])
    assert (second.added, second.replaced, second.unchanged, second.passages_embedded) == (0, 0, 3, 0)
    assert store.info("news") == info and index.built_revision() == built == info.revision


def test_changed_file_is_replaced_and_bad_files_are_skipped_with_a_warning(store, docs):
    add_documents(store, "news", [docs])
    (docs / "weather.md").write_text("Sunny skies all week in Ottawa, forecasters said.\n", encoding="utf-8")
    (docs / "broken.txt").write_bytes(b"\x00\x01\x02\x03 binary")
    (docs / "records.jsonl").write_text('{"id": 1, "text": "Good record about Mosul."}\n{not json\n')
    warnings = []
    result = add_documents(store, "news", [docs], warn=warnings.append)
    assert result.replaced == 1 and result.unchanged == 2
    assert any("broken.txt" in w for w in warnings) and any("records.jsonl" in w for w in warnings)
    hits = Searcher(store).search("sunny weather in Ottawa", ["news"], k=1)
    assert "Sunny skies" in hits[0].text


def test_records_dropped_from_a_jsonl_file_are_pruned(store, tmp_path):
    path = tmp_path / "items.jsonl"
    rows = [{"id": i, "title": f"Item {i}", "text": f"Report number {i} about the harbour."} for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert add_documents(store, "items", [path]).added == 3
    path.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n")
    result = add_documents(store, "items", [path])
    assert (result.removed, store.info("items").documents) == (1, 2)


def test_missing_text_column_is_a_clear_skip(store, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("name,value\na,1\n")
    path2 = tmp_path / "ok.csv"
    path2.write_text("headline,story\nBridge opens,The new bridge opened on Friday after two years of work.\n")
    warnings = []
    result = add_documents(store, "t", [path, path2], warn=warnings.append)
    assert result.added == 0 and "no text column" in warnings[0]
    result = add_documents(store, "t", [path2], text_column="story")
    assert result.added == 1


def test_hybrid_search_finds_the_relevant_passage(store, docs):
    add_documents(store, "news", [docs])
    hits = Searcher(store).search("How long will Canadian troops stay in Iraq?", ["news"], k=3)
    assert "until 2019" in hits[0].text and hits[0].title == "Canada extends its mission in Iraq."
    assert hits[0].score >= hits[-1].score and 0 < hits[0].cosine <= 1
    mosul = Searcher(store).search("UN warns about displaced civilians in Mosul", ["news"], k=1)[0]
    assert mosul.title == "Mosul offensive begins" and "million civilians" in mosul.text


def test_remove_deletes_rows_and_indexes(store, docs):
    add_documents(store, "news", [docs])
    index_dir = store.home / "indexes" / "news"
    assert index_dir.is_dir()
    remove_collection(store, "news")
    assert store.names() == [] and not index_dir.exists()


VCLAIMS = [
    {"title": "Did Canada Send 1,000 Troops to Mosul?", "subtitle": "", "author": "A", "date": "1 May 2017",
     "vclaim_id": "v-canada-mosul", "vclaim": "Canada sent 1,000 combat troops to fight in Mosul."},
    {"title": "Snow in the Sahara", "subtitle": "Photographs show snow on dunes.", "author": "B",
     "date": "2 Jan 2018", "vclaim_id": "v-sahara-snow", "vclaim": "It snowed in the Sahara desert."},
    {"title": "Oreo x Lady Gaga", "subtitle": "", "author": "C", "date": "28 Jan 2021",
     "vclaim_id": "v-oreo-gaga", "vclaim": "Oreo released Lady Gaga themed cookies."},
]  # fmt: skip


def test_factcheck_formats(tmp_path):
    vclaims = tmp_path / "vclaims.jsonl"
    vclaims.write_text("\n".join(json.dumps(v) for v in VCLAIMS) + "\n")
    docs = list(read_factchecks(vclaims))
    assert [d.key for d in docs] == ["v-canada-mosul", "v-sahara-snow", "v-oreo-gaga"]
    assert docs[1].text == "Snow in the Sahara Photographs show snow on dunes. It snowed in the Sahara desert."

    liar = tmp_path / "liar.tsv"
    liar.write_text(
        "2635.json\tfalse\tSays the group supports abortions on demand.\tabortion\tdwayne-bohac\tState rep\tTexas"
        "\trepublican\t0\t1\t0\t0\t0\ta mailer\n"
    )
    (doc,) = read_factchecks(liar)
    assert (doc.rating, doc.publisher, doc.claim) == (
        "false",
        "PolitiFact",
        "Says the group supports abortions on demand.",
    )

    review = {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checker.example/mosul",
        "claimReviewed": "Canada has 1,000 troops in Mosul", "datePublished": "2017-05-02",
        "author": {"@type": "Organization", "name": "Example Checks"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "alternateName": "False"},
    }  # fmt: skip
    page = tmp_path / "review.html"
    page.write_text(f'<html><head><script type="application/ld+json">{json.dumps(review)}</script></head></html>')
    (doc,) = read_factchecks(page)
    assert (doc.rating, doc.publisher, doc.url) == ("False", "Example Checks", "https://checker.example/mosul")
    api = tmp_path / "api.json"
    review = {"publisher": {"name": "AFP"}, "url": "https://afp.example/x", "textualRating": "True", "title": "Snow"}
    api.write_text(json.dumps({"claims": [{"text": "Snow fell in the Sahara", "claimReview": [review]}]}))
    (doc,) = read_factchecks(api)
    assert (doc.rating, doc.publisher, doc.claim) == ("True", "AFP", "Snow fell in the Sahara")


def test_factcheck_errors_name_the_file(tmp_path):
    from veracity.errors import DataFormatError

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"vclaim": 1}\n')
    with pytest.raises(DataFormatError, match="bad.jsonl:1"):
        list(read_factchecks(bad))
    odd = tmp_path / "odd.txt"
    odd.write_text("hello\n")
    with pytest.raises(DataFormatError, match="--format"):
        list(read_factchecks(odd))


def test_claim_matching_scores():
    assert average_precision(["a", "b", "c"], {"b"}, 5) == 0.5
    assert average_precision(["a", "b", "c"], {"b"}, 1) == 0.0
    scores = score_rankings({"q1": ["x", "y"], "q2": ["y", "z"]}, {"q1": {"x"}, "q2": {"z"}})
    assert (scores.map1, scores.map5, scores.mrr) == (0.5, 0.75, 0.75)


def test_eval_claim_matching_end_to_end(tmp_path):
    vclaims = tmp_path / "vclaims.jsonl"
    vclaims.write_text("\n".join(json.dumps(v) for v in VCLAIMS) + "\n")
    (tmp_path / "q.tsv").write_text(
        "t1\tBREAKING: Canada is sending a thousand soldiers to Mosul pic.twitter.com/abc\n"
        "t2\tWow, snow on the Sahara dunes this morning!\n"
    )
    (tmp_path / "qrels.tsv").write_text("t1\t0\tv-canada-mosul\t1\nt2\t0\tv-sahara-snow\t1\n")
    args = ["eval", "claim-matching", "--vclaims", str(vclaims), "--queries", str(tmp_path / "q.tsv"),
            "--qrels", str(tmp_path / "qrels.tsv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "map5=1.0000"


def test_cli_corpus_commands(tmp_path, docs):
    home = ["--home", str(tmp_path / "home")]
    result = runner.invoke(app, ["corpus", "add", "news", str(docs), *home])
    assert result.exit_code == 0 and "3 added" in result.stdout
    assert "news\tcorpus\t3 documents" in runner.invoke(app, ["corpus", "list", *home]).stdout
    assert "indexes: up to date" in runner.invoke(app, ["corpus", "info", "news", *home]).stdout
    result = runner.invoke(app, ["search", "peshmerga training", *home, "-k", "1"])
    assert result.exit_code == 0 and "Canada extends" in result.stdout
    missing = runner.invoke(app, ["corpus", "info", "nope", *home])
    assert missing.exit_code == 2 and "no collection named 'nope'" in missing.stderr
    assert runner.invoke(app, ["corpus", "add", "x", str(tmp_path / "absent"), *home]).exit_code == 2


def test_analyze_attaches_evidence_and_factchecks_and_renders_them(tmp_path, docs):
    from conftest import EXAMPLE
    from veracity import AnalyzeOptions, analyze
    from veracity.render import Format, render

    store = Store(tmp_path / "home")
    add_documents(store, "iraq", [docs])
    review = {
        "@type": "ClaimReview", "url": "javascript:alert(1)", "claimReviewed": "Canada is at war with <b>ISIS</b>",
        "author": {"name": "Checker"}, "reviewRating": {"alternateName": "Misleading"},
    }  # fmt: skip
    (tmp_path / "reviews.json").write_text(json.dumps([review]))
    import_factchecks(store, "checks", tmp_path / "reviews.json")
    options = AnalyzeOptions(corpora=["iraq"], factchecks=["checks"], home=tmp_path / "home")
    report = analyze(EXAMPLE, options=options)
    with_evidence = [c for c in report.claims if c.evidence]
    assert with_evidence and len(with_evidence) == len(report.claims)
    assert all(len(c.evidence) <= 20 and c.evidence[0].score >= c.evidence[-1].score for c in with_evidence)
    # every claim gets a verdict; the related sentences it read may be none (the weather note is about nothing here)
    assert all(c.verdict is not None for c in with_evidence) and any(c.verdict.examined > 0 for c in with_evidence)
    markdown = render(report, Format.md)
    assert "## Evidence" in markdown and "**Verdict: " in markdown and "Prior fact-check" in markdown
    page = render(report, Format.html)
    assert "javascript:" not in page and "<b>ISIS</b>" not in page
    assert "&lt;b&gt;ISIS&lt;/b&gt;" in page  # the fact-check is shown, escaped, without its link
    # ClaimReview for the example: every claim with a verdict, with the required fields, read back by the importer
    from claimreview_rules import problems

    exported = render(report, Format.claimreview, report_url="https://checks.example/r")
    reviews = json.loads(exported)
    assert len(reviews) == len(with_evidence)  # the example file has no URL or date: its claims' appearance is unknown
    assert all(problems(r, known=("author",)) == [] for r in reviews), problems(reviews[0], known=("author",))
    (tmp_path / "out.json").write_text(exported)
    assert [d.claim for d in read_factchecks(tmp_path / "out.json")] == [r["claimReviewed"] for r in reviews]


def test_warc_archives_are_read_page_by_page(store, tmp_path):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for n, body in enumerate([MOSUL, "<html><body></body></html>"]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
            record = writer.create_warc_record(
                f"https://news.example/{n}", "response", payload=BytesIO(body.encode()), http_headers=headers
            )
            writer.write_record(record)
    result = add_documents(store, "crawl", [path])
    assert result.added == 1  # the empty page is skipped, the archive is not
    hit = Searcher(store).search("displaced civilians in Mosul", ["crawl"], k=1)[0]
    assert hit.url == "https://news.example/0" and hit.title == "Mosul offensive begins"
    (tmp_path / "broken.warc").write_bytes(b"WARC/1.0\r\nnot really\r\n")
    warnings = []
    add_documents(store, "crawl", [tmp_path / "broken.warc"], warn=warnings.append)
    assert warnings and "broken.warc" in warnings[0]


def test_vectors_from_another_encoder_are_recomputed(store, docs):
    from veracity.evidence.search import get_retrieval_encoder
    from veracity.runtime import get_encoder

    add_documents(store, "news", [docs], encoder=get_encoder())
    index = CollectionIndex(store, store.collection("news"))
    n = store.info("news").passages
    if get_retrieval_encoder().name == get_encoder().name:
        pytest.skip("no separate retrieval encoder shipped")
    assert index.sync(get_retrieval_encoder()) == n  # all re-embedded
    assert index.sync(get_retrieval_encoder()) == 0  # then up to date
    assert index.state()["encoder"] == get_retrieval_encoder().name


def test_note_header_lines_become_url_title_and_date(tmp_path):
    from veracity.evidence.readers import read_file

    note = tmp_path / "note.md"
    note.write_text(
        "url: https://www.cbc.ca/news/politics/iraq-1.3439227\ntitle: Canada triples trainers\n"
        "date: February 8, 2016\n\nThe government said it would triple the number of trainers.\n"
    )
    (doc,) = read_file(note)
    assert (doc.url, doc.title, doc.published) == (
        "https://www.cbc.ca/news/politics/iraq-1.3439227",
        "Canada triples trainers",
        "2016-02-08",
    )
    assert doc.text == "The government said it would triple the number of trainers."
    plain = tmp_path / "plain.md"
    plain.write_text("source: my notebook\nThe text.\n")  # not a URL: an ordinary first line
    (doc,) = read_file(plain)
    assert doc.url is None and doc.text.startswith("source: my notebook")


def test_a_markdown_notes_first_heading_is_its_title_not_evidence(tmp_path):
    from veracity.evidence.readers import read_file

    note = tmp_path / "note.md"
    note.write_text("# Canada sends advisers to Iraq\n\nIn 2014 Canada sent 69 advisers.\n\n## Later\n\nMore came.\n")
    (doc,) = read_file(note)
    assert doc.title == "Canada sends advisers to Iraq"
    assert doc.text == "In 2014 Canada sent 69 advisers.\n\nLater\n\nMore came."
    titled = tmp_path / "titled.md"
    titled.write_text("title: From the header\n# A heading\nText.\n")
    assert next(read_file(titled)).title == "From the header"  # a header line wins over the heading
    txt = tmp_path / "note.txt"
    txt.write_text("# not markdown here\nText.\n")
    assert next(read_file(txt)).text.startswith("# not markdown here")


def test_hits_become_evidence_and_factchecks_by_field_name_with_rounded_scores():
    from veracity.evidence.collection_sources import MIN_MATCH_SCORE, _evidence, _factcheck, _is_match
    from veracity.evidence.search import Hit

    hit = Hit(collection="c", kind="factchecks", passage_id=3, score=0.612345, bm25=1.23456, cosine=0.55557,
              text="passage", key="file.txt#1", document_id=9, start=1, end=5, title="T", url="https://u",
              published="2020", rating="False", publisher="P")  # fmt: skip
    ev = _evidence(hit)
    assert (ev.passage_id, ev.source, ev.document_id, ev.start, ev.end, ev.title) == (3, "file.txt#1", 9, 1, 5, "T")
    assert (ev.score, ev.bm25, ev.cosine) == (0.6123, 1.235, 0.5556)
    check = _factcheck(hit)
    assert (check.claim, check.rating, check.publisher, check.score) == ("passage", "False", "P", 0.6123)
    assert _is_match(hit) == (hit.score >= MIN_MATCH_SCORE)
    hit.match_probability = 0.49  # the re-ranker's probability decides once it ran
    assert not _is_match(hit)
