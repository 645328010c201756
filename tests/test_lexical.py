"""Normalisation and query safety of the lexical side."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.glossary import Glossary, default_glossary
from index.lexical import match_expression
from index.textnorm import fold, normalise, terms
from tests.search_fixtures import build, find


def test_french_normalisation_folds_accents_and_stems() -> None:
    assert fold("Évaluation œuvre") == "evaluation oeuvre"
    assert terms("recommandations")[0] == terms("Recommandé")[0] == terms("recommander")[0]
    assert terms("l'OIT") == ["oit"]
    assert "de" not in normalise("le renforcement de la durabilité").split()


@pytest.mark.parametrize(
    "query",
    [
        "l'OIT",
        '"unbalanced',
        "(parenthèse",
        "esclav*",
        "-moins",
        "NEAR(a b)",
        "a OR b",
        "x AND NOT y",
        "'; DROP TABLE chunks; --",
        "col:value",
        "^début",
        "**",
        "’",
        "\\",
    ],
)
def test_hostile_queries_never_raise(tmp_path: Path, query: str) -> None:
    searcher = build(tmp_path)
    for mode in ("lexical", "dense", "hybrid"):
        find(searcher, query, mode=mode)
    assert searcher.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] > 0


def test_match_expression_quotes_every_term() -> None:
    expr = match_expression('NEAR("x" OR y*) -z')
    assert expr is not None
    assert all(part.startswith('"') and part.endswith('"') for part in expr.split(" OR "))
    assert match_expression("?! ()") is None


def test_glossary_expands_both_ways() -> None:
    g = default_glossary()
    assert len(g) >= 300
    en = g.expand("lessons learned on sustainability")
    assert "leçons apprises" in en.words and "durabilité" in en.words
    fr = g.expand("renforcement des capacités")
    assert "capacity building" in fr.words


def test_glossary_file_names_its_sources() -> None:
    from index.glossary import GLOSSARY_PATH

    head = GLOSSARY_PATH.read_text(encoding="utf-8").split("\nen\tfr")[0]
    assert "OECD" in head and "Sources" in head
    assert len(Glossary.load(GLOSSARY_PATH)) == len(default_glossary())


def test_factual_question_words_reach_french_answers() -> None:
    words = default_glossary().expand("How much money did each victim receive?").words
    assert "montant" in words and "perçu" in words
    assert "atelier" in default_glossary().expand("workshops attended").words


def test_hyphenated_place_names_are_not_vocabulary() -> None:
    g = Glossary([(["green"], ["vert", "verte"])])
    assert g.expand("projet au Cap-Vert").words == ()
    assert g.expand("réintégration verte").words == ("green",)
    assert g.expand("EU-IOM green projects").words == ("vert",)


def test_an_entry_is_one_concept_group() -> None:
    g = Glossary([(["wrote", "written by"], ["rédigé", "rédaction"])])
    (group,) = g.expand("who wrote it").groups
    assert {"wrot", "redig"} <= group
