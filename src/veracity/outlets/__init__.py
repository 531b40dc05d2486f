"""The `source` stage: how reliable is the outlet? Rated from Lin et al. 2023 domain ratings, with provenance.

The outlet's domain comes, in order of trust, from the article URL (`--url` or the fetched address), the
HTML page's own metadata, or a site name printed in the page's boilerplate ("Global Research articles ...").
A domain missing from the ratings is reported as unrated: never a guess.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from veracity.registry import stage
from veracity.schema import Report, SourceRating

# Thresholds on pc1 for the label (issue 3: low < 0.4 <= mixed < 0.7 <= high).
LOW_BELOW = 0.4
HIGH_FROM = 0.7
CITATION = (
    "Lin et al. 2023, 'High level of correspondence across different news domain quality rating sets', "
    "PNAS Nexus 2(9) pgad286 (aggregate pc1 of six expert rating sets)"
)
# Capitalised word runs ("Global Research", "The National Post") that may name an outlet.
_NAME = re.compile(r"\b(?:The\s+)?([A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|of|on|for|and))*)")


def label_for(score: float | None) -> str:
    if score is None:
        return "unrated"
    return "low" if score < LOW_BELOW else "mixed" if score < HIGH_FROM else "high"


@cache
def _extractor():
    import tldextract

    # suffix_list_urls=() and no cache dir: use the Public Suffix List snapshot bundled with tldextract.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _hostname(url: str) -> str | None:
    """The host of a URL, or None for a malformed one ('http://[::1' from a page's metadata is not an error)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def registered_domain(host_or_url: str) -> str | None:
    """'https://www.globalresearch.ca/x' -> 'globalresearch.ca'; 'news.bbc.co.uk' -> 'bbc.co.uk'."""
    host = _hostname(host_or_url) if "://" in host_or_url else host_or_url.split("/")[0]
    if not host:
        return None
    parts = _extractor()(host.lower().strip("."))
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else None


@dataclass(frozen=True)
class DomainRatings:
    scores: dict[str, float]
    by_name: dict[str, str]  # compact outlet name ("globalresearch") -> domain

    @classmethod
    def load(cls, rows: list[tuple[str, float]]) -> DomainRatings:
        scores = dict(rows)
        by_name: dict[str, str] = {}
        for domain in sorted(scores, key=lambda d: (not d.endswith(".com"), d)):
            by_name.setdefault(domain.split(".")[0], domain)  # prefer the .com when a name has several
        return cls(scores=scores, by_name=by_name)

    def lookup(self, host_or_url: str) -> tuple[str | None, float | None]:
        host = (_hostname(host_or_url) if "://" in host_or_url else host_or_url) or ""
        host = host.lower().removeprefix("www.")
        if host in self.scores:
            return host, self.scores[host]
        domain = registered_domain(host)
        return domain, self.scores.get(domain) if domain else None

    def domain_for_name(self, name: str) -> str | None:
        """'Global Research' -> 'globalresearch.ca', when exactly that name is a rated domain's label."""
        compact = re.sub(r"[^a-z0-9]", "", name.lower().removeprefix("the "))
        return self.by_name.get(compact) if len(compact) >= 4 else None


@cache
def get_ratings() -> DomainRatings:
    with resources.files("veracity.outlets").joinpath("data/domain_pc1.csv").open(encoding="utf-8") as f:
        rows = [(r["domain"].strip().lower(), float(r["pc1"])) for r in csv.DictReader(f)]
    return DomainRatings.load(rows)


def site_name_domain(texts: list[str], ratings: DomainRatings) -> str | None:
    """The rated outlet named most often in boilerplate text (footers name their own site)."""
    counts: Counter[str] = Counter()
    for text in texts:
        for match in _NAME.finditer(text):
            words = match.group(1).split()
            if len(words) == 1 and _starts_sentence(text, match.start(1)):
                continue  # a capitalised first word ("Research is ...") is no name
            domain = _longest_named_domain(words, ratings)
            if domain:
                counts[domain] += 1
    return counts.most_common(1)[0][0] if counts else None


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in '.!?:;"“'


def _longest_named_domain(words: list[str], ratings: DomainRatings) -> str | None:
    """Longest run of >= 2 words naming a rated outlet ("Global Research" in "Global Research Centre"); a single
    word counts only when it is the whole capitalised run, so "Research" alone never becomes research.news."""
    if len(words) == 1:
        return ratings.domain_for_name(words[0])
    for n in range(min(len(words), 5), 1, -1):
        for k in range(len(words) - n + 1):
            domain = ratings.domain_for_name(" ".join(words[k : k + n]))
            if domain:
                return domain
    return None


def rate_outlet(report: Report, ratings: DomainRatings) -> SourceRating:
    doc = report.document
    candidates = [
        ("url", doc.url and ratings.lookup(doc.url)[0]),
        ("html_metadata", doc.site_name and (ratings.domain_for_name(doc.site_name) or _domain_like(doc.site_name))),
        ("site_name_in_text", site_name_domain(doc.removed_boilerplate, ratings)),
    ]
    for found_by, domain in candidates:
        if not domain:
            continue
        domain, score = ratings.lookup(domain)
        if score is None:
            return SourceRating(
                domain=domain,
                score=None,
                label="unrated",
                found_by=found_by,
                provenance=f"{domain} is not in the ratings of {CITATION}; no score is guessed",
            )
        return SourceRating(
            domain=domain,
            score=round(score, 3),
            label=label_for(score),
            found_by=found_by,
            provenance=f"pc1={score:.3f} for {domain} from {CITATION}; domain found by {found_by.replace('_', ' ')}",
        )
    return SourceRating(
        domain=None,
        score=None,
        label="unrated",
        found_by="none",
        provenance="no outlet domain found (give the article's original address to rate its outlet)",
    )


def _domain_like(name: str) -> str | None:
    return name.lower() if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", name.lower()) else None


class OutletStage:
    name = "source"
    requires = frozenset({"document"})
    assigns = frozenset({"source", "document.domain"})  # the domain, when ingest found none

    def __call__(self, report: Report) -> Report:
        report.source = rate_outlet(report, get_ratings())
        if report.document.domain is None:
            report.document.domain = report.source.domain
        return report


stage("source")(OutletStage)
