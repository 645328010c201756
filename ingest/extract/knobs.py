"""Named thresholds of the item extractor (`ExtractKnobs`), with their defaults.

`extract_items(doc, knobs)` and `pipeline.analyse(doc, knobs)` take one; every number the
extractor compares against lives here, described, rather than inside the rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Confidence:
    """Base confidence of an item by how it was found (calibrated on the development gold:
    roughly the share of such items that are right)."""

    table: float = 0.95  # a row of a table whose header names the item and its fields
    template: float = 0.95  # an ILO-style "LESSON LEARNED ELEMENT" template
    label: float = 0.9  # a label naming the kind: "Recommendation 3", "LA.1", "R2"
    numbered: float = 0.85  # a numbered entry ("1.", "a)") under a heading naming the kind
    bulleted: float = 0.75  # a bulleted entry under such a heading
    paragraph: float = 0.6  # an unlabelled paragraph of a heading's section without entries
    announced: float = 0.5  # an entry after an in-text lead-in ("the following lessons:")
    moved: float = 0.6  # an entry that continues the numbering of a list before a heading
    weak: float = 0.55  # an entry under a conclusions/findings heading within an item heading
    fragment: float = 0.3  # the tail of an entry whose opening words the layout lost
    repeat_bonus: float = 0.03  # added per further occurrence (summary, body, annex)
    summary_only: float = -0.05  # only found under an executive summary


@dataclass(frozen=True)
class ExtractKnobs:
    """Every threshold of the extractor; the defaults are what the bench figures use."""

    # headings
    heading_max_chars: int = 110  # longer "headings" are sentences, never section names
    pseudo_heading_max_chars: int = 80  # a short paragraph that acts as a heading
    run_in_max_words: int = 6  # "Recommandations : …" — words before the colon
    heading_table_max_rows: int = 4  # a table this small may be a heading the reader boxed
    # entries
    min_item_chars: int = 8  # shorter texts are labels or debris, not items
    paragraph_item_min_chars: int = 40  # an unlabelled paragraph must say this much
    question_max_chars: int = 400  # a shorter text ending with "?" is a question, not an item
    condition_max_chars: int = 90  # a short unpunctuated line sets the condition/actor below
    actor_max_chars: int = 40  # "OIM :" prefixes: the actor's length…
    actor_max_words: int = 5  # …and word count
    addressee_max_words: int = 14  # an addressee phrase longer than this is a sentence
    announced_max_blocks: int = 12  # blocks read after an in-text lead-in at most
    column_tolerance: float = 8.0  # points: same left edge = same column (numbering moved)
    numbering_gap: int = 2  # a moved entry may skip this many numbers (a garbled one)
    # repeats
    same_item_coverage: float = 0.8  # share of the shorter text's words found in the longer
    same_item_min_words: int = 5  # containment counts from this many words
    same_item_min_tokens: int = 6  # below this, two texts are the same only when equal
    # a summary's "3." and the body's "Recommendation 3" are one item from this coverage on
    same_number_coverage: float = 0.4
    field_value_max_chars: int = 80  # a lone "Budget: …" line longer than this is prose
    # documents
    response_min_cues: int = 2  # distinct matrix cues that make a management response
    confidence: Confidence = Confidence()


DEFAULT_KNOBS = ExtractKnobs()
