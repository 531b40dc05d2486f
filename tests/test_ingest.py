"""Decoding, boilerplate removal and title detection."""

from __future__ import annotations

import pytest

from veracity.errors import InputError
from veracity.ingest import document_from_bytes
from veracity.ingest.boilerplate import strip_boilerplate
from veracity.ingest.decode import decode_bytes
from veracity.ingest.extract import document_from_text, paragraphs


def test_boilerplate_blocks_are_removed_and_kept_aside():
    text = (
        "The council voted 7-2 to close the library.\n\n"
        "Share this article on Facebook\n\n"
        "Subscribe to our daily newsletter for more news\n\n"
        "Copyright © 2024 Daily Bugle. All rights reserved.\n\n"
        "Contact the editor: [email protected]\n"
    )
    clean, removed = strip_boilerplate(text)
    assert clean == "The council voted 7-2 to close the library."
    assert len(removed) == 4


def test_email_marker_inside_a_real_paragraph_is_cut_but_the_paragraph_stays():
    para = (
        "Residents who saw the fire were asked to write to [email protected] with photos, "
        "police said on Monday, adding that the investigation would take several weeks to complete."
    )
    clean, removed = strip_boilerplate(para)
    assert "[email protected]" not in clean and "police said on Monday" in clean
    assert removed == ["[email protected]"]


def test_reporting_that_mentions_copyright_is_not_cut():
    para = (
        "The court ruled that the newspaper had breached copyright when it printed the photographs, "
        "a decision that lawyers said could cost publishers millions in damages over the coming years."
    )
    assert strip_boilerplate(para)[0] == para


def test_first_line_is_a_title_only_when_it_looks_like_a_headline():
    doc = document_from_text("Council Votes to Close Library\n\nThe council voted on Monday to close the library.")
    assert doc.title == "Council Votes to Close Library"
    doc = document_from_text("The council voted on Monday to close the library.\n\nIt will shut in June this year.")
    assert doc.title is None


def test_hard_wrapped_lines_are_joined_into_one_paragraph():
    wrapped = (
        "The council voted on Monday to close the central library, citing the\n"
        "rising cost of heating the old building and falling numbers of visitors\n"
        "over the past five years."
    )
    assert len(paragraphs(wrapped)) == 1


def test_non_english_text_is_detected():
    doc = document_from_text("Le gouvernement canadien a confirmé que ses militaires participent à l'offensive.")
    assert doc.language == "fr"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfhello world", "hello world"),
        ("na\u00efve caf\u00e9".encode("cp1252"), "na\u00efve caf\u00e9"),
        ('<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1"), '<meta charset="iso-8859-1"><p>caf\u00e9</p>'),
    ],
)
def test_decoding(data, expected):
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 ...", "PDF"),
        (b"GIF89a....", "GIF"),
        (b"abc\x00\x00\x01\x02" * 50, "binary data"),
        (b"", "empty"),
        (b"\n\n  ", "whitespace"),
    ],
)
def test_refused_inputs(data, message):
    with pytest.raises(InputError, match=message):
        document_from_bytes(data)


def test_author_box_names_the_author_before_it_is_cut():
    doc = document_from_text(
        "Troops to stay in Iraq\n\nThe government said 200 troops would stay until 2019.\n\n"
        "Articles by: Sophie Mangal\n\nDisclaimer: The contents of this article are the author's own."
    )
    assert doc.author == "Sophie Mangal"
    assert "Articles by: Sophie Mangal" in doc.removed_boilerplate and "Sophie" not in doc.text


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("By JANE DOE, Political Correspondent", "JANE DOE"),
        ("Written by Ursula von der Leyen | Brussels", "Ursula von der Leyen"),
        ("By Jane Doe and John Smith, BBC News", "Jane Doe and John Smith"),
    ],
)
def test_byline_near_the_top_gives_the_author_and_leaves_the_text(byline, author):
    assert document_from_text(f"{byline}\n\nThe government said 200 troops would stay.").title is None
    doc = document_from_text(f"Troops to stay in Iraq\n\n{byline}\n\nThe government said 200 troops would stay.")
    assert doc.author == author
    assert doc.text == "The government said 200 troops would stay." and byline in doc.removed_boilerplate


@pytest.mark.parametrize(
    "first",
    [
        "By Christmas Eve, the shops were empty.",  # a sentence
        "By Tuesday the troops had left",  # one capitalised word, then lower case
        "By 2019 Troop Numbers",  # digits
    ],
)
def test_sentences_starting_with_by_are_no_byline(first):
    doc = document_from_text(f"Troops to stay in Iraq\n\n{first}\n\nThe government said 200 troops would stay.")
    assert doc.author is None and first in doc.text


def test_html_without_author_metadata_takes_the_byline():
    from veracity.ingest.extract import document_from_html

    body = "".join(f"<p>Paragraph {i} of the story says the council voted to close the library.</p>" for i in range(6))
    head = "<html><head><title>Library to close</title></head>"
    html = f"{head}<body><article><p>By Jane Doe</p>{body}</article></body></html>"
    assert document_from_html(html).author == "Jane Doe"
