"""Tests of ingest.vocab: one bullet set with the readers' subsets, folding and caption variants."""

from __future__ import annotations

import pytest

from ingest import vocab
from ingest.vocab import (
    BULLETS,
    CAPTION,
    LETTER_BULLETS,
    LOOSE_CAPTION,
    NUMBERED_CAPTION,
    ascii_fold,
    fold,
    normalise_bullet,
    starts_with_bullet,
)


@pytest.mark.parametrize(
    "subset", ["PDF_LINE_BULLETS", "TEXT_BULLETS", "DOCX_BULLETS", "CELL_BULLETS"]
)
def test_each_reader_set_is_part_of_the_one_bullet_set(subset: str) -> None:
    assert getattr(vocab, subset) <= BULLETS | LETTER_BULLETS


def test_mapped_glyphs_are_bullets() -> None:
    assert set(vocab.PUA_BULLETS.values()) <= BULLETS
    assert set(vocab.DINGBAT_BULLETS.values()) <= BULLETS


def test_normalise_bullet_maps_private_use_and_dingbat_glyphs() -> None:
    assert normalise_bullet("\uf0b7") == "•"
    assert normalise_bullet("\uf0a7") == "▪"
    assert normalise_bullet("\uf0ff") == "•"  # unknown private-use glyph
    assert normalise_bullet("ü", "ABCDEF+Wingdings-Regular") == "✓"
    assert normalise_bullet("ü", "Arial") == "ü"
    assert normalise_bullet("-") == "-"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ü La Cour demande", True),
        ("o sous-point", True),
        ("➔ Résultat", True),
        ("- item", True),
        ("oui", False),
        ("über", False),
        ("-5 %", False),
        ("Le point", False),
    ],
)
def test_starts_with_bullet(text: str, expected: bool) -> None:
    assert starts_with_bullet(text) is expected


def test_fold_variants() -> None:
    assert fold("Mise en Œuvre évaluée") == "mise en oeuvre evaluee"
    assert fold("Mise en Œuvre évaluée", ligatures=False) == "mise en œuvre evaluee"
    assert ascii_fold("Côte d’Ivoire, Œuvre") == "cote divoire, uvre"


def test_caption_variants_keep_their_callers_strictness() -> None:
    assert CAPTION.match("Tableau 3 : Budget") and CAPTION.match("Table des matières")
    assert not CAPTION.match("Tableaux de bord")
    assert NUMBERED_CAPTION.match("Tableau n° 3 : Budget") and NUMBERED_CAPTION.match("Tab. 4")
    assert not NUMBERED_CAPTION.match("Tableau : Budget")
    assert LOOSE_CAPTION.match("Tableaux de bord")
