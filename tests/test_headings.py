"""Tests of ingest.headings: numbering styles, audit-report hyphen numbering, nested levels,
item labels and lead-in sentences that are not headings."""

from __future__ import annotations

import pytest

from ingest.headings import guess_heading, is_label_line, is_lead_in, nest_levels


@pytest.mark.parametrize(
    ("text", "level", "number"),
    [
        ("I- Gouvernance et organisation administratives", 1, "I"),
        ("III-Gestion budgétaire et financière", 1, "III"),
        ("1-2 - Organisation et fonctionnement", 2, "1.2"),
        ("1-2-1- Absence de formalisation", 3, "1.2.1"),
        ("2-4-Recours abusif aux contrats à durée déterminée.", 2, "2.4"),
        ("3.2.2.3- Défaut de reversement des prélèvements", 4, "3.2.2.3"),
        ("1.3. – La gestion du personnel", 2, "1.3"),
        ("2-2. Niveau d’études du personnel", 2, "2.2"),
        ("5-1 Manquements relatifs aux organes", 2, "5.1"),
        ("B- Non-respect de la fréquence", 2, "B"),
        ("B-Dysfonctionnement dans la coordination", 2, "B"),
        ("5.8. Leçons apprises", 2, "5.8"),
    ],
)
def test_numbered_headings(text: str, level: int, number: str) -> None:
    guess = guess_heading(text, allow_plain_caps=False)
    assert guess is not None and (guess.level, guess.number) == (level, number)


@pytest.mark.parametrize(
    "text",
    ["- Revue documentaire.", "-Checklists:", "2017-2018 Les exercices", "A-t-il été", "a) Titre"],
)
def test_dashes_and_dates_are_not_numbering(text: str) -> None:
    assert guess_heading(text, allow_plain_caps=False) is None


def test_letters_nest_under_the_numbered_heading_before_them() -> None:
    titles = [
        "I- Gouvernance",
        "1-1- Fonctionnement",
        "A- Violation",
        "1-1-2- Manquements",
        "A- Absence",
        "b)- Structure des recettes",
        "II- Gestion du personnel",
        "Annexe 1 : Liste",
    ]
    guesses = [guess_heading(t, allow_plain_caps=False) for t in titles]
    assert nest_levels(guesses) == [1, 2, 3, 3, 4, 5, 1, 1]
    # "I-" right after "H-" is the ninth letter, not the roman numeral one
    letters = [guess_heading(t) for t in ("2-1- Titre", "H- Huit", "I- Neuf", "V- Cinq")]
    assert nest_levels(letters) == [2, 3, 3, 1]


def test_labels_and_lead_ins() -> None:
    assert is_label_line("Recommandation n°12 :") and is_label_line("Conclusion n° 1")
    assert not is_label_line("Recommandations")
    assert is_lead_in("La Cour demande au maire de veiller :")
    assert not is_lead_in("Recommandations :")
    assert not is_lead_in("3.4 Portée de l'évaluation :")
    assert not is_lead_in("NOTES POUR REMPLIR LE RAPPORT:")
