"""Does a sentence report what someone said? Only such a sentence can tell whether a claim's speaker said it.

"The government said Y", "Y, officials told reporters", "according to a statement, Y" report speech; "Y" alone
does not, however much it agrees or disagrees with Y.
"""

from __future__ import annotations

import re

_REPORTING = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|claim(?:s|ed)?|announc(?:e|es|ed|ing|ement)|stat(?:es|ed|ement|"
    r"ements)|according to|confirm(?:s|ed)?|den(?:y|ies|ied)|insist(?:s|ed)?|declar(?:e|es|ed)|assert(?:s|ed)?|"
    r"report(?:s|ed)|admit(?:s|ted)?|acknowledg(?:e|es|ed)|promis(?:e|es|ed)|pledg(?:e|es|ed)|reveal(?:s|ed)|"
    r"explain(?:s|ed)|wr(?:ote|ites)|quot(?:e|es|ed)|spokes(?:man|woman|person))\b",
    re.IGNORECASE,
)


def reports_speech(sentence: str) -> bool:
    """Whether the sentence says that someone said, announced, claimed or denied something."""
    return bool(_REPORTING.search(sentence))


# Speakers whose saying something can be checked: a named one ("Trudeau", "the Canadian government", "NATO"), or an
# institution. "Many experts believe", "they tell us", "studies show" frame a claim about the world, not a statement
# anyone could be quoted on: such claims are judged on their content.
_INSTITUTIONS = frozenset(
    "government ministry minister ministers president prime premier spokesman spokeswoman spokesperson police army "
    "military forces department office agency commission parliament congress senate court mayor governor embassy "
    "statement statements official officials authorities".split()
)


def names_a_speaker(sentence: str, content: str) -> bool:
    """Whether "X said Y" (`sentence`, with `content` = Y) names a speaker whose statement can be checked: a name
    (person, organisation, place, group) or an institution outside the reported content."""
    from veracity.verify.parsing import parse

    body = content.rstrip(". ").lower()
    at = sentence.lower().find(body) if body else -1
    inside = range(at, at + len(body)) if at >= 0 else range(0)
    doc = parse(sentence)
    named = any(e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC") and e.start_char not in inside for e in doc.ents)
    framing = [t.lower_ for t in doc if t.idx not in inside]
    return named or bool(_INSTITUTIONS & set(framing))
