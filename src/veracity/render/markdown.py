"""Markdown report: source rating first, then claims by check-worthiness, then attribution notes."""

from __future__ import annotations

from veracity.schema import Claim, Report

_LABEL_TEXT = {"low": "LOW reliability", "mixed": "MIXED reliability", "high": "HIGH reliability", "unrated": "unrated"}


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def ranked_claims(report: Report) -> list[Claim]:
    return sorted(report.claims, key=lambda c: (-c.checkworthiness, c.sentence_i))


def to_markdown(report: Report) -> str:
    doc, src, summary = report.document, report.source, report.summary
    lines = [f"# {doc.title or 'Untitled article'}", ""]
    meta = [
        f"**{k}:** {v}"
        for k, v in (
            ("Author", doc.author),
            ("Published", doc.published),
            ("Outlet", doc.domain or doc.site_name),
            ("URL", doc.url),
        )
        if v
    ]
    if meta:
        lines += [" · ".join(meta), ""]
    if src is not None:
        score = f" (pc1 {src.score:.3f})" if src.score is not None else ""
        lines += [
            f"**Source:** {src.domain or 'unknown outlet'}: {_LABEL_TEXT[src.label]}{score}",
            "",
            f"> {src.provenance}",
            "",
        ]
    for warning in report.warnings:
        lines += [f"**Warning:** {warning}", ""]
    if summary.assessment:
        lines += ["## Assessment", "", *[f"- {_md_escape(a)}" for a in summary.assessment], ""]
    lines += [
        f"{summary.n_sentences} sentences · {summary.n_claims} check-worthy claims "
        f"(threshold {summary.claim_threshold}) · {summary.n_attributed} attributed · "
        f"{summary.n_anonymous} anonymous · {summary.n_hedged} hedged",
        "",
        "## Claims, most check-worthy first",
        "",
        "| # | score | kind | speaker | claim |",
        "|---|---|---|---|---|",
    ]
    for claim in ranked_claims(report):
        lines.append(
            f"| {claim.sentence_i} | {claim.checkworthiness:.2f} | {claim.kind} | "
            f"{_md_escape(claim.speaker or '')} | {_md_escape(claim.text)} |"
        )
    lines += _evidence_lines(report)
    attributed = [s for s in report.sentences if s.attribution and s.attribution.speaker_type != "author"]
    if attributed:
        lines += ["", "## Who says what", ""]
        for s in attributed:
            a = s.attribution
            hedges = f"; hedged: {', '.join(a.hedges)}" if a.hedges else ""
            lines.append(
                f"- **{a.speaker}** ({a.speaker_type}, {a.mode.replace('_', ' ')}, cue “{a.cue}”{hedges}): {s.text}"
            )
    hedged = [
        s for s in report.sentences if s.attribution and s.attribution.speaker_type == "author" and s.attribution.hedges
    ]
    if hedged:
        lines += ["", "## Hedged statements in the author's voice", ""]
        lines += [f"- ({', '.join(s.attribution.hedges)}) {s.text}" for s in hedged]
    if report.spans:
        density = summary.persuasion_density or 0.0
        counts = ", ".join(f"{t.replace('_', ' ')} {n}" for t, n in summary.technique_counts.items())
        lines += [
            "",
            "## Persuasion techniques",
            "",
            f"{density:.0%} of the text is inside a technique span: {counts}.",
            "",
        ]
        lines += [
            f"- **{s.technique.replace('_', ' ')}** ({s.score:.2f}): “{_md_escape(s.text)}”" for s in report.spans
        ]
    quantities = [q for s in report.sentences for q in s.quantities]
    if quantities:
        lines += ["", "## Numbers", "", ", ".join(q.text for q in quantities)]
    if doc.removed_boilerplate:
        lines += ["", f"_Removed {len(doc.removed_boilerplate)} boilerplate block(s) from the page._"]
    return "\n".join(lines) + "\n"


def _link(text: str, url: str | None) -> str:
    text = _md_escape(text)
    return f"[{text}](<{url}>)" if url and url.lower().startswith(("http://", "https://")) else text


def _evidence_lines(report: Report) -> list[str]:
    claims = [c for c in ranked_claims(report) if c.evidence or c.factchecks]
    if not claims:
        return []
    lines = ["", "## Evidence", ""]
    for claim in claims:
        lines += [f"**Claim {claim.sentence_i}:** {_md_escape(claim.text)}", ""]
        if claim.verdict is not None:
            v = claim.verdict
            lines.append(f"- **Verdict: {v.label.replace('_', ' ')}** (confidence {v.confidence:.2f}, {v.decider})")
            lines += [f"  - {_md_escape(r)}" for r in v.reasons]
            lines += [f"  - sub-claim ({p.role}) “{_md_escape(p.text)}”: {p.label.replace('_', ' ')} "
                      f"({p.confidence:.2f})" for p in v.subclaims]
        for f in claim.factchecks:
            rating = f"rated **{_md_escape(f.rating)}**" if f.rating else "fact-checked"
            by = f" by {_md_escape(f.publisher)}" if f.publisher else ""
            lines.append(f"- Prior fact-check ({f.score:.2f}), {rating}{by}: {_link(f.claim, f.url)}")
        if claim.verdict is not None and claim.verdict.sentences:
            v = claim.verdict
            lines.append(f"- Evidence read: {v.examined} sentences in {len(claim.evidence)} passages; the decisive "
                         "and related ones:")
            for s in v.sentences:
                ev = claim.evidence[s.evidence_i]
                where = ", ".join(x for x in (ev.collection, ev.published, ev.source if not ev.url else None) if x)
                scores = f"entails {s.entailment:.2f}, contradicts {s.contradiction:.2f}"
                lines.append(f"  - {s.role}, passage {s.evidence_i + 1}: {_link(ev.title or ev.collection, ev.url)} "
                             f"({_md_escape(where)}; {scores}): “{_md_escape(' '.join(s.text.split()))}”")
        elif claim.evidence:
            lines.append(f"- {len(claim.evidence)} passages retrieved; none read as related to the claim")
        lines.append("")
    return lines
