"""Adversarial article inputs for the fuzz test (tests/test_fuzz.py) and the long fuzz run (benchmarks/fuzz.py).

`make(shape, seed, size)` is deterministic: the same three values give the same bytes, so every failure can be
replayed (`benchmarks/fuzz.py --replay SHAPE SEED SIZE`). Shapes are the ones issue 15 found trouble with (long
lines, quote and punctuation runs, reporting verbs, attributes, names, nesting, NUL bytes, encodings, RTL and
zero-width text) plus plain prose, HTML soup and random bytes around them.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable

NAMES = ["Smith", "Jones", "Al-Rashid", "Nguyen", "O'Brien", "Müller", "García", "Ivanova", "Trudeau", "Sajjan"]
VERBS = ["said", "told reporters", "claimed", "announced", "confirmed", "denied", "warned", "insisted", "added"]
NOUNS = ["the army", "the ministry", "70 instructors", "six aircraft", "$5 million", "the council", "Mosul", "ISIS"]
PUNCT = "\"'<>&.,;:!?()[]{}-_/\\#*@%^~`|=+“”«»…—"
WEIRD = ["\u200b", "\u200f", "\u202e", "\u2066", "\ufeff", "\x00", "\x1b[31m", "\x1b]0;x\x07", "\u0301", "\ud7ff"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "cp1252", "latin-1",
             "gbk", "shift_jis", "big5", "koi8-r", "cp1251", "iso-8859-7", "euc-kr"]  # fmt: skip


def sentence(rng: random.Random) -> str:
    who = f"{rng.choice(NAMES)} {rng.choice(NAMES)}" if rng.random() < 0.6 else rng.choice(["Officials", "He", "It"])
    body = f"{rng.choice(NOUNS)} {rng.choice(['grew by', 'sent', 'lost', 'reached'])} {rng.randint(0, 10**6)}"
    if rng.random() < 0.3:
        return f"“{body.capitalize()},” {who} {rng.choice(VERBS)}."
    return f"{who} {rng.choice(VERBS)} that {body} in {rng.randint(1990, 2030)}."


def prose(rng: random.Random, size: int) -> str:
    out, n = [], 0
    while n < size:
        para = " ".join(sentence(rng) for _ in range(rng.randint(1, 8)))
        out.append(para)
        n += len(para) + 2
    return "\n\n".join(out)[: max(size, 1)]


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // max(len(unit), 1) + 1))[:size]


def _html(body: str, rng: random.Random) -> str:
    head = f"<title>{rng.choice(WEIRD)}Title {rng.choice(NAMES)}</title>" if rng.random() < 0.7 else ""
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _paragraphs_html(rng: random.Random, size: int) -> str:
    return "".join(f"<p>{sentence(rng)}</p>" for _ in range(max(size // 90, 1)))


SHAPES: dict[str, Callable[[random.Random, int], str | bytes]] = {
    "prose": prose,
    "one_long_line": lambda r, n: prose(r, n).replace("\n", " "),
    "no_spaces": lambda r, n: prose(r, n).replace(" ", r.choice(["", "\u00a0", "_", "-"])),
    "quote_run": lambda r, n: prose(r, 200) + "\n\n" + _repeat(r.choice(['"', "“", "'", "«", "<", "&", "'s", ")("]), n),
    "punctuation": lambda r, n: prose(r, 200) + " " + "".join(r.choice(PUNCT) for _ in range(n)),
    "reporting_verbs": lambda r, n: _repeat(f"{r.choice(NAMES)} {r.choice(VERBS)} that ", n),
    "names": lambda r, n: " ".join(f"{r.choice(NAMES)}{r.randint(0, 99)} {r.choice(NAMES)}" for _ in range(n // 14)),
    "many_sentences": lambda r, n: _repeat(r.choice(["A. ", "No! ", "1. ", "Why? ", "Yes.\n"]), n),
    "attributes_one_tag": lambda r, n: _html(
        "<div "
        + " ".join(f'a{i}="2016-01-{i % 28 + 1:02d}"' for i in range(n // 20))
        + ">"
        + _paragraphs_html(r, 500)
        + "</div>",
        r,
    ),
    "attributes_many_tags": lambda r, n: _html(
        "".join(f'<span class="c{i}" data-x="{i}">x</span>' for i in range(n // 40)) + _paragraphs_html(r, 500), r
    ),
    "deep_nesting": lambda r, n: _html(
        r.choice(["<div>", "<span>", "<b>", "<table><tr><td>"]) * (n // 6) + _paragraphs_html(r, 500), r
    ),
    "nested_paragraphs": lambda r, n: _html("".join(f"<div><p>{sentence(r)}</p>" for _ in range(n // 100)), r),
    "html_soup": lambda r, n: "".join(
        r.choice(
            [
                "<p>",
                "</p>",
                "<div class=x>",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                "<br/>",
                "<a href='",
                "&amp;",
                "&#x1F600;",
                "&#0;",
                "<style>",
                "<title>",
                sentence(r),
                "<",
                ">",
            ]
        )
        for _ in range(n // 10)
    ),  # fmt: skip
    "nul_bytes": lambda r, n: "".join(c + ("\x00" if r.random() < 0.05 else "") for c in prose(r, n)),
    "weird_chars": lambda r, n: "".join(w + r.choice(WEIRD) for w in prose(r, n).split(" ")),
    "rtl_zero_width": lambda r, n: _repeat("\u200fمرحبا \u05e9\u05dc\u05d5\u05dd\u200b\u202e said the army \u2066", n),
    "emoji": lambda r, n: prose(r, 300) + " " + "".join(chr(r.randint(0x1F300, 0x1FAFF)) for _ in range(n // 4)),
    "ansi_title": lambda r, n: "\x1b]0;owned\x07\x1b[2J Title\n\n" + prose(r, n),
    "random_bytes": lambda r, n: r.randbytes(n),
    "random_text": lambda r, n: "".join(chr(r.randint(1, 0x2FFF)) for _ in range(n // 2)),
    "whitespace": lambda r, n: "".join(r.choice(" \t\n\r\u00a0\u2028\u3000") for _ in range(n)),
}


def encode(text: str, rng: random.Random) -> bytes:
    """Text in a random encoding: usually UTF-8; sometimes legacy, UTF-16/32 with or without BOM, or two mixed."""
    roll = rng.random()
    if roll < 0.6:
        return text.encode("utf-8", "surrogatepass")
    if roll < 0.9:
        name = rng.choice(ENCODINGS)
        return text.encode(name, "replace")
    half = len(text) // 2
    return text[:half].encode(rng.choice(ENCODINGS), "replace") + text[half:].encode(rng.choice(ENCODINGS), "replace")


def make(shape: str, seed: int, size: int) -> bytes:
    """The input for (shape, seed, size): about `size` characters, as bytes."""
    rng = random.Random(f"{shape}:{seed}:{size}")
    value = SHAPES[shape](rng, size)
    if isinstance(value, bytes):
        return value
    if rng.random() < 0.05:
        value = codecs.BOM_UTF8.decode("utf-8") + value
    return encode(value, rng)
