"""The persuasion tagger on another encoder: units framed by the tokenizer's own special tokens, and a teacher's
token probabilities carried onto the student's tokens through the characters."""

from __future__ import annotations

import numpy as np
from tokenizers import Tokenizer, models, pre_tokenizers, processors

from veracity.persuasion.units import Unit, make_units, special_ids


def _mpnet_like() -> Tokenizer:
    """A word-level tokenizer framing texts as <s> … </s> whose vocabulary also holds an ordinary "[CLS]" token,
    as MPNet's does."""
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "[UNK]": 3, "[CLS]": 105, "[SEP]": 106}
    vocab |= {w: 10 + k for k, w in enumerate("they lie to you every day".split())}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    return tok


def test_units_are_framed_by_the_tokenizers_own_special_tokens():
    from veracity.runtime import raw_tokenizer

    assert special_ids(raw_tokenizer()) == (101, 102)  # MiniLM: [CLS] … [SEP]
    units = make_units("a", "they lie to you\nevery day", _mpnet_like(), max_tokens=8)
    assert [u.ids for u in units] == [[0, 10, 11, 12, 13, 2], [0, 14, 15, 2]]
    assert units[1].offsets == [(0, 0), (16, 21), (22, 25), (0, 0)]


def test_teacher_probabilities_reach_the_students_tokens_through_characters():
    from veracity.lab.persuasion.train import char_transfer

    text = "They lie daily"
    # teacher: whole words; student: "They", "li", "e", "daily"
    teacher = Unit("a", [0, 1, 2, 3, 4], [(0, 0), (0, 4), (5, 8), (9, 14), (0, 0)])
    probs = np.array([[0.9], [0.2], [0.8], [0.6], [0.9]], dtype=np.float32)
    student = Unit("a", [0, 1, 2, 3, 4, 5], [(0, 0), (0, 4), (5, 7), (7, 8), (9, 14), (0, 0)])
    (got,) = char_transfer([(teacher, probs)], {"a": text}, [student])
    assert np.allclose(got, [0, 0.2, 0.8, 0.8, 0.6, 0])  # special tokens 0; "li" and "e" inherit "lie"
    # the same tokenisation gives the teacher's own probabilities back
    (same,) = char_transfer([(teacher, probs)], {"a": text}, [teacher])
    assert np.allclose(same, [0, 0.2, 0.8, 0.6, 0])
