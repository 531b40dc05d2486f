"""The analyze form as it was filled in: kept whole, so that after an error the page shows it again as it was (the
text, the address, the ticked boxes, the numbers), and read into `Options` with messages in the form's words."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from veracity.errors import InputError
from veracity.options import DEFAULT_BUDGET, OPTION_TABLE
from veracity.web.models import Options


@dataclass
class AnalyzeForm:
    text: str = ""
    url: str = ""
    original_url: str = ""
    persuasion: bool = False
    persuasion_tagger: str = "fast"  # "accurate": the MPNet-base tagger (slower)
    corpora: list[str] = field(default_factory=list)
    factchecks: list[str] = field(default_factory=list)
    claim_threshold: str = ""  # blank: the model's calibrated threshold
    claim_budget: str = ""  # blank: DEFAULT_BUDGET claims per 1,000 words
    all_claims: bool = False  # every sentence over the threshold (no budget)
    published: str = ""  # YYYY-MM-DD, as <input type=date> sends it
    filename: str = ""  # a file that was chosen (a browser cannot be given it back: the page asks for it again)

    @property
    def default_budget(self) -> str:
        return f"{DEFAULT_BUDGET:g}"

    @staticmethod
    def bound(option: str, end: str) -> str:
        """The box's `min` or `max` attribute: AnalyzeOptions field `option`'s bound in OPTION_TABLE."""
        return f"{getattr(OPTION_TABLE[option], end):g}"

    def source(self, data: bytes) -> tuple[str, str | None, bytes | None]:
        """(kind, text, data) of the one input given: pasted text, an address or a file; two at once is an error
        (the address must not silently win over the text)."""
        given = [name for name, value in (("pasted text", self.text.strip()), ("an address", self.url.strip()),
                                          ("a file", data)) if value]  # fmt: skip
        if len(given) > 1:
            raise InputError(f"give the article one way: this form has {' and '.join(given)}. Clear all but one "
                             "(the pasted text, the address or the file).")  # fmt: skip
        if data:
            return "upload", None, data
        if self.url.strip():
            return "url", self.url.strip(), None
        if not self.text.strip():
            raise InputError("paste an article, give its address or choose a file")
        return "text", self.text, None

    def options(self) -> Options:
        threshold = _number(self.claim_threshold, "the claim threshold", "claim_threshold")
        budget = None if self.all_claims else _number(self.claim_budget, "the claim budget", "claim_budget")
        published = None
        if self.published.strip():
            try:
                published = date.fromisoformat(self.published.strip())
            except ValueError:
                raise InputError(f"the publication date must be a date (YYYY-MM-DD), not {self.published!r}") from None
        original = self.original_url.strip() or None
        if original and not original.lower().startswith(("http://", "https://")):
            raise InputError(f"where the article was published must be an http(s) address, not {original!r}")
        tagger = self.persuasion_tagger if self.persuasion else "fast"  # the choice counts with the box ticked
        budget = DEFAULT_BUDGET if budget is None and not self.all_claims else budget
        return Options(persuasion=self.persuasion, persuasion_tagger=tagger, corpora=self.corpora,
                       factchecks=self.factchecks, claim_threshold=threshold, claim_budget=budget,
                       original_url=original, published=published)  # fmt: skip


def _number(text: str, what: str, option: str) -> float | None:
    """A box of the form read as AnalyzeOptions field `option` (bounds from OPTION_TABLE: both ends, inclusive)."""
    if not text.strip():
        return None
    spec = OPTION_TABLE[option]
    low, high = spec.min, spec.max
    assert low is not None and high is not None, f"{option}: the form's boxes take numbers between two bounds"
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{what} must be a number from {low:g} to {high:g}, not {text!r}") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(f"{what} must be from {low:g} to {high:g}, not {text}")
    return value
