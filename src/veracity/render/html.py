"""A standalone HTML page (inline CSS, no scripts). Every piece of text from the article is escaped."""

from __future__ import annotations

from html import escape

from veracity.render.markdown import ranked_claims
from veracity.schema import Report

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}.meta{color:#555}.badge{display:inline-block;padding:.2rem .6rem;border-radius:.3rem;
color:#fff;font-weight:600}.low{background:#b3261e}.mixed{background:#b26a00}.high{background:#1e7d32}
.verdict.supported{color:#1e7d32}.verdict.refuted{color:#b3261e}.verdict.disputed{color:#b26a00}
.unrated{background:#666}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;
padding:.4rem;text-align:left;vertical-align:top}.score{font-variant-numeric:tabular-nums}
blockquote{color:#555;margin:.5rem 0;padding-left:1rem;border-left:3px solid #ddd}
mark{background:#ffe08a;padding:0 .1rem}.article p{white-space:pre-wrap}.legend span{margin-right:.8rem}
"""


def _highlighted(report: Report) -> str:
    """The article text with technique spans wrapped in <mark>; every text piece escaped on its own."""
    text, out, at = report.document.text, [], 0
    for span in sorted(report.spans, key=lambda s: (s.start, -s.end)):
        if span.start < at:
            continue  # overlapping spans: the first one is shown
        label = escape(f"{span.technique.replace('_', ' ')} ({span.score:.2f})")
        out += [
            escape(text[at : span.start]),
            f'<mark title="{label}">',
            escape(text[span.start : span.end]),
            "</mark>",
        ]
        at = span.end
    out.append(escape(text[at:]))
    return "".join(out)


def to_html(report: Report) -> str:
    doc, src, summary = report.document, report.source, report.summary
    e = escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>veracity: {e(doc.title or 'article report')}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(doc.title or 'Untitled article')}</h1>",
    ]
    meta = " · ".join(e(str(v)) for v in (doc.author, doc.published, doc.domain or doc.site_name) if v)
    if meta:
        parts.append(f'<p class="meta">{meta}</p>')
    if src is not None:
        score = f" (pc1 {src.score:.3f})" if src.score is not None else ""
        parts.append(
            f'<p><span class="badge {e(src.label)}">{e(src.label.upper())}</span> '
            f"{e(src.domain or 'unknown outlet')}{e(score)}</p><blockquote>{e(src.provenance)}</blockquote>"
        )
    parts += [f'<p class="warning"><strong>Warning:</strong> {e(w)}</p>' for w in report.warnings]
    if summary.assessment:
        parts.append("<h2>Assessment</h2><ul>" + "".join(f"<li>{e(a)}</li>" for a in summary.assessment) + "</ul>")
    parts.append(
        f"<p>{summary.n_sentences} sentences · {summary.n_claims} check-worthy claims · "
        f"{summary.n_attributed} attributed · {summary.n_anonymous} anonymous · {summary.n_hedged} hedged</p>"
    )
    parts.append(
        "<h2>Claims, most check-worthy first</h2><table><thead><tr><th>score</th><th>kind</th>"
        "<th>speaker</th><th>claim</th></tr></thead><tbody>"
    )
    for c in ranked_claims(report):
        parts.append(
            f'<tr><td class="score">{c.checkworthiness:.2f}</td><td>{e(c.kind)}</td>'
            f"<td>{e(c.speaker or '')}</td><td>{e(c.text)}</td></tr>"
        )
    parts.append("</tbody></table>")
    parts += _evidence_html(report)
    parts.append("<h2>Who says what</h2><ul>")
    for s in report.sentences:
        a = s.attribution
        if a and a.speaker_type != "author":
            hedges = f"; hedged: {', '.join(a.hedges)}" if a.hedges else ""
            parts.append(
                f"<li><strong>{e(a.speaker)}</strong> ({e(a.speaker_type)}, {e(a.mode)}, "
                f"cue “{e(a.cue or '')}”{e(hedges)}): {e(s.text)}</li>"
            )
    parts.append("</ul>")
    if report.spans:
        counts = " ".join(f"<span>{e(t.replace('_', ' '))}: {n}</span>" for t, n in summary.technique_counts.items())
        parts.append(
            f"<h2>Persuasion techniques</h2><p>{(summary.persuasion_density or 0):.0%} of the text is inside "
            f'a technique span (hover a highlight for its technique).</p><p class="legend">{counts}</p>'
            f'<div class="article"><p>{_highlighted(report)}</p></div>'
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _link(text: str, url: str | None) -> str:
    if url and url.lower().startswith(("http://", "https://")):  # never javascript: or data: links
        return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(text)}</a>'
    return escape(text)


def _evidence_html(report: Report) -> list[str]:
    claims = [c for c in ranked_claims(report) if c.evidence or c.factchecks]
    if not claims:
        return []
    parts = ["<h2>Evidence</h2>"]
    for c in claims:
        parts.append(f'<div class="claim"><p><strong>Claim:</strong> {escape(c.text)}</p><ul>')
        if c.verdict is not None:
            v = c.verdict
            reasons = "".join(f"<li>{escape(r)}</li>" for r in v.reasons)
            subclaims = "".join(f"<li>sub-claim ({escape(p.role)}) <q>{escape(p.text)}</q>: "
                                f"{escape(p.label.replace('_', ' '))} ({p.confidence:.2f})</li>" for p in v.subclaims)
            parts.append(
                f'<li><strong class="verdict {escape(v.label)}">{escape(v.label.replace("_", " "))}</strong> '
                f"(confidence {v.confidence:.2f}, {escape(v.decider)})<ul>{reasons}{subclaims}</ul></li>"
            )
        for f in c.factchecks:
            rating = f"rated <strong>{escape(f.rating)}</strong>" if f.rating else "fact-checked"
            by = f" by {escape(f.publisher)}" if f.publisher else ""
            parts.append(f"<li>Prior fact-check ({f.score:.2f}), {rating}{by}: {_link(f.claim, f.url)}</li>")
        if c.verdict is not None and c.verdict.sentences:
            parts.append(f"<li>Evidence read: {c.verdict.examined} sentences in {len(c.evidence)} passages<ul>")
            for s in c.verdict.sentences:
                ev = c.evidence[s.evidence_i]
                where = ", ".join(x for x in (ev.collection, ev.published, ev.source if not ev.url else None) if x)
                parts.append(
                    f'<li class="{escape(s.role)}">{escape(s.role)}, passage {s.evidence_i + 1}: '
                    f"{_link(ev.title or ev.collection, ev.url)} ({escape(where)}; entails {s.entailment:.2f}, "
                    f"contradicts {s.contradiction:.2f}): <q>{escape(' '.join(s.text.split()))}</q></li>"
                )
            parts.append("</ul></li>")
        parts.append("</ul></div>")
    return parts
