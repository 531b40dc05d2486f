"""Word lists for attribution. Lemmas, lower-case; kept here so rules read as logic, not vocabulary."""

from __future__ import annotations

# Verbs that introduce what someone asserts ("X said that ...", "X confirmed ...").
REPORTING_VERBS = frozenset(
    """say state claim report confirm announce tell add note notice explain argue insist deny admit allege
    assert warn suggest write declare acknowledge accuse blame believe maintain contend stress emphasise
    emphasize reveal disclose estimate predict promise vow caution inform testify complain concede recall
    reiterate remark respond reply tweet indicate mention comment affirm charge speculate conclude find
    claim observe spot forecast describe""".split()
)
# Verbs that report only with a that-clause: "the judge ruled that ..." (not "ruled the country"), "data show
# that ..." (not "the video shows a crowd").
CLAUSE_VERBS = frozenset("rule show".split())
# Passive cues with no agent that still report a claim ("it was announced that ...").
AGENTLESS_PASSIVE_CUES = frozenset(
    "announce report say claim allege rumour rumor confirm state believe understand".split()
)
# Subjects that deny anyone asserted anything: "Nobody has claimed responsibility".
NEGATIVE_SUBJECTS = frozenset("nobody none noone".split())
# "tell"/"ask" + to-infinitive is an order, not a report ("told residents to stay indoors").
ORDER_VERBS = frozenset("tell ask urge order instruct advise".split())
# Fixed phrases where a reporting verb reports nothing.
NON_REPORTING = ("that said", "having said", "needless to say", "so to speak", "that is to say", "suffice to say")

HEDGE_WORDS = frozenset(
    """reportedly allegedly probably possibly perhaps apparently likely unlikely supposedly purportedly
    presumably seemingly arguably unconfirmed rumored rumoured maybe""".split()
)
HEDGE_MODALS = frozenset({"may", "might", "could"})
HEDGE_PHRASES = (
    "it is unclear",
    "it's unclear",
    "it’s unclear",
    "it remains unclear",
    "it was unclear",
    "unclear whether",
    "it seems",
    "seems to",
    "seemed to",
    "appears to",
    "appeared to",
    "it appears",
    "is believed to",
    "are believed to",
    "is thought to",
    "could not be independently verified",
    "not independently verified",
)

# Words in a speaker phrase that make any speaker unnamed: "an anonymous official", "an unidentified aide".
ANONYMOUS_MODIFIERS = frozenset("anonymous unnamed unidentified".split())
# Post-modifiers by which journalists mark unnamed sources: "two diplomats briefed on the talks".
ANONYMOUS_PHRASE_CUES = ("familiar with", "briefed on", "knowledge of", "knowledgeable about", "close to")
# Anywhere in the sentence these mean the speaker spoke without being named ("on condition of anonymity").
ANONYMITY_ANYWHERE = ("anonymity", "not authorized", "not authorised")
# In the speaker's own clause ("an aide, who asked not to be identified, said"): elsewhere "be named" may be about
# someone else ("the chairman said a new coach would be named").
ANONYMITY_IN_CLAUSE = ("be named", "be identified", "being named", "being identified")
# Prepositions whose phrase belongs to the speaker: "a spokesman for the Department of Health", "officials at
# the FAA", "sources in the ministry", "an aide to the president", "people with knowledge of the talks".
SPEAKER_PREPS = frozenset("of for at in from with to within inside".split())
# Heads of a speaker phrase that mean "someone unnamed" (when no name is in the phrase).
ANONYMOUS_HEADS = frozenset(
    "source insider people person critic pal friend observer expert analyst witness resident neighbour "
    "neighbor acquaintance relative".split()
)
OFFICIAL_HEADS = frozenset(
    "official authority spokesperson spokesman spokeswoman representative officer minister ministry "
    "administration government police agency department".split()
)
# Official heads that are bodies, not people: never "an unnamed source" themselves.
OFFICIAL_BODIES = frozenset("authority administration government police agency department ministry".split())
# Heads naming a body rather than a person ("the company said").
ORGANISATION_HEADS = frozenset(
    "company firm group party campaign organisation organization union council committee court board bank "
    "network newspaper paper website channel outlet magazine agency institute university hospital club team "
    "coalition alliance army military navy commission federation association corporation".split()
)
# Speaker phrases that are documents of someone: "official statements of the government" -> the government.
DOCUMENT_HEADS = frozenset(
    "statement report data figure document study survey estimate account communique release record "
    "word words analysis datum tally count calculation poll".split()
)
# "according to X" where X is no source at all ("according to plan").
NON_SOURCE_HEADS = frozenset("plan schedule reading law rule tradition custom logic standard measure".split())
# "This newspaper has argued": the publication itself, i.e. the author's voice.
SELF_HEADS = frozenset("newspaper paper site website publication column columnist writer author magazine blog".split())
# The writer ("I", "we") or the generic reader ("how can you argue ...?"): the article's own voice.
FIRST_PERSON = frozenset({"i", "we", "me", "us", "you"})
DETERMINERS = frozenset(
    "the a an other some several many few two three four five these those this that its their his her".split()
)

# Outlet names whose compact form is not their domain's label, so the ratings table cannot find them.
OUTLET_ALIASES = frozenset(
    """associated press|ap|afp|agence france-presse|new york times|wall street journal|washington post|
    guardian|financial times|bloomberg|al jazeera|fox news|cnn|bbc|nbc news|cbs news|abc news|npr|
    reuters|politico|axios|times|telegraph|daily mail|sky news|le monde|der spiegel|tass|ria novosti|
    xinhua|interfax|the hill""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)
