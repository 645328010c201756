"""Acronyms of the names a query spells out (index.acronyms) and their use in rescoring."""

from __future__ import annotations

from index.acronyms import name_acronyms
from index.answers import score, shape


def test_a_capitalised_name_gives_its_initials() -> None:
    assert name_acronyms("the agreement with Anti-Slavery International?") == {
        "asi": ("anti", "slavery", "international")
    }
    # connectors inside a name are skipped; a whole hyphenated word also gives one letter
    found = name_acronyms("report of the Fund for Peace and Anti-Slavery Watch")
    assert "fpasw" in found and "fpaw" in found


def test_the_opening_capital_may_or_may_not_start_a_name() -> None:
    found = name_acronyms("United Nations Development Programme results")
    assert {"undp", "ndp"} <= set(found)
    assert name_acronyms("How large was the budget?") == {}


def test_no_acronym_from_acronyms_single_words_or_two_letters() -> None:
    assert name_acronyms("budget of the EU-IOM Joint Initiative") == {}  # two letters: JI
    assert name_acronyms("What did IOM do in Mali") == {}
    assert name_acronyms("the Palermo Protocol") == {}  # PP


def test_an_acronym_in_a_passage_stands_for_the_whole_name() -> None:
    df = {"anti": 4, "slavery": 8, "international": 30, "budget": 10, "asi": 3}
    stems = {"anti", "slavery", "international", "budget"}
    question = "How large was the budget of the agreement with Anti-Slavery International?"
    plain = shape(question, stems, df, 100)
    named = shape(question, stems, df, 100, aliases=name_acronyms(question))
    passage = "Le budget de l'accord avec ASI est de 579.345 USD pour 32 mois."
    assert score(passage, plain)[0] < 0.5
    assert score(passage, named)[0] == 1.0 and score(passage, named)[1] == 1.0
    # spelled out, the passage scores the same with or without the alias
    spelled = "Le budget de l'accord avec Anti-Slavery International est de 579.345 USD."
    assert score(spelled, named) == score(spelled, plain)
