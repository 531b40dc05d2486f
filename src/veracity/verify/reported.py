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
