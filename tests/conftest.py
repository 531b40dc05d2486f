from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "globalresearch-canada-iraq-mosul.txt"
EXAMPLE_HTML = DATA / "globalresearch-canada-iraq-mosul.html"
EXAMPLE_URL = "https://www.globalresearch.ca/canada-is-building-up-its-military-presence-in-iraq-involved-in-mosul-offensive/5556677"


@pytest.fixture(scope="session")
def analyzer():
    from veracity.pipeline import Analyzer

    return Analyzer()


@pytest.fixture(scope="session")
def example_report(analyzer):
    from veracity.ingest import load_document

    return analyzer(load_document(str(EXAMPLE), url=EXAMPLE_URL))


@pytest.fixture(scope="session")
def postgres():
    """The URL of a throwaway PostgreSQL server (tests/postgres.py). Skipped when none can be started here; in CI
    ($CI set) that is a failure instead, so the Postgres tests cannot silently stop running there."""
    from postgres import Unavailable, postgres_server

    try:
        with postgres_server() as url:
            yield url
    except Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Each database the stores support: SQLite in a temporary folder, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'veracity.db'}"
    from postgres import fresh_database

    return fresh_database(request.getfixturevalue("postgres"))
