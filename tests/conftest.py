from __future__ import annotations

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
