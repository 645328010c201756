"""Passages that answer first: near-duplicate collapse, exact tokens, answer types, table rows
read with their column headers, and re-chunking of stores an older chunker built."""

from __future__ import annotations

from pathlib import Path

from api import views
from index import store
from index.answers import DATE, NAME, QUANTITY, answer_types, exact_tokens, score, shape
from index.chunks import CHUNKER_KEY, CHUNKER_VERSION, chunker_current, labelled_row, table_chunks
from index.embeddings import HashingEmbedder
from index.indexer import prepare, write_chunks
from index.knobs import ChunkKnobs, SearchKnobs
from index.query import SearchRequest
from index.search import Searcher
from index.search_index import SearchIndex
from ingest.records import Document, Table
from tests.search_fixtures import ILO, build, make_doc

SUMMARY = (
    "Le projet a assisté 612 victimes de l'esclavage par ascendance dans la région de Kayes "
    "grâce aux commissions communautaires de médiation mises en place avec les maires."
)


def _store(home: Path, doc: Document, knobs: SearchKnobs | None = None) -> Searcher:
    embedder = HashingEmbedder()
    conn = store.connect(home)
    prep = prepare(doc, [], embedder)
    with store.transaction(conn):
        store.write_document(conn, doc, doc.file_name, "")
        index = SearchIndex(home, embedder, knobs=knobs)
        index.write(conn, doc, [], prep)
    return index.searcher(conn)


def _twice(tmp_path: Path, knobs: SearchKnobs | None = None) -> Searcher:
    """The same paragraph in the executive summary (page 2) and in the body (page 15)."""
    doc = make_doc(
        ILO,
        "ilo.pdf",
        [
            (("Résumé exécutif",), SUMMARY, 2),
            (("Contexte",), "Le Mali a ratifié le protocole de Palerme en 2002.", 5),
            (("Résultats", "Efficacité"), SUMMARY + " Les juges ont été formés.", 15),
        ],
    )
    return _store(tmp_path, doc, knobs)


def test_near_duplicates_collapse_into_one_hit_citing_all_pages(tmp_path: Path) -> None:
    hits = _twice(tmp_path).search(SearchRequest("victimes assistées par les commissions"))
    dup = [h for h in hits if "612 victimes" in h.text]
    assert len(dup) == 1
    assert dup[0].all_pages == (2, 15)
    assert len(dup[0].also_at) == 1 and set(dup[0].also_at[0].pages) | set(dup[0].pages) == {2, 15}
    data = views.hit_dict(dup[0])
    assert data["all_pages"] == [2, 15] and data["also_at"][0]["url"].startswith("/documents/")


def test_collapse_knob_off_keeps_both_places(tmp_path: Path) -> None:
    searcher = _twice(tmp_path, SearchKnobs(collapse=False))
    hits = searcher.search(SearchRequest("victimes assistées par les commissions"))
    assert len([h for h in hits if "612 victimes" in h.text]) == 2
    assert all(not h.also_at for h in hits)


def test_collapsed_hits_page_without_repeats(tmp_path: Path) -> None:
    searcher = _twice(tmp_path)
    first = searcher.search(SearchRequest("victimes Mali juges", k=1))
    second = searcher.search(SearchRequest("victimes Mali juges", k=1, offset=1))
    assert first and second and first[0].id != second[0].id
    assert {first[0].pages[0], second[0].pages[0]} != {2, 15}


def test_query_shape_reads_numbers_names_and_question_words() -> None:
    assert exact_tokens("Budget du projet IDEE au Niger en 2021") == {"idee", "niger", "2021"}
    assert exact_tokens("What was the total") == frozenset()
    assert answer_types("combien de victimes") == {QUANTITY}
    assert answer_types("When did Mali ratify the protocol?") == {DATE}
    assert answer_types("qui a rédigé le rapport") == {NAME}


def test_answer_beside_the_query_terms_scores_higher() -> None:
    stems = {"victim", "assist"}
    q = shape("combien de victimes assistées", stems, {"victim": 3, "assist": 3}, 100)
    near = score("Au total, 612 victimes ont été assistées.", q)
    far = score("Les victimes ont été assistées. " + "mot " * 40 + "Il y a 612 juges.", q)
    none = score("Les victimes assistées sont nombreuses.", q)
    assert near[1] > 0 and far[1] == 0 and none[1] == 0
    assert near[0] == none[0] == 1.0


def test_numbers_in_the_query_weigh_as_exact_matches(tmp_path: Path) -> None:
    doc = make_doc(
        ILO,
        "pan.pdf",
        [
            (("Bilan",), "Le plan d'action national 2015-2017 comptait des activités.", 3),
            (("Bilan", "Suite"), "Le plan d'action national 2018-2022 comptait des activités.", 4),
        ],
    )
    for boost, first in ((2.0, "2018"), (0.0, None)):
        knobs = SearchKnobs(exact_boost=boost, proximity_weight=0, answer_weight=0, collapse=False)
        hits = _store(tmp_path / str(boost), doc, knobs).search(
            SearchRequest("plan d'action national 2018", mode="dense")
        )
        if first:
            assert first in hits[0].text


def test_table_rows_read_with_their_column_headers() -> None:
    assert labelled_row(["Indicateur", "Cible", ""], ["Juges formés", "40", "x"]) == (
        "Indicateur: Juges formés; Cible: 40; x"
    )
    table = Table(0, (("Indicateur", "Cible"), ("Victimes", "500"), ("Juges", "")), (4,), ())
    (chunk,) = table_chunks(ILO, table)
    assert chunk.text == "Indicateur: Victimes; Cible: 500\nIndicateur: Juges"
    (old,) = table_chunks(ILO, table, ChunkKnobs(table_row_headers=False))
    assert old.text.startswith("Indicateur | Cible")


def test_table_row_found_by_header_and_cell(tmp_path: Path) -> None:
    searcher = build(tmp_path)
    hits = searcher.search(SearchRequest("cible juges formés", mode="lexical"))
    assert hits and hits[0].scope == "table" and "Cible: 40" in hits[0].text


def test_store_of_an_older_chunker_is_flagged_and_rechunked(tmp_path: Path) -> None:
    searcher = build(tmp_path)
    conn = searcher.conn
    index = SearchIndex(tmp_path, HashingEmbedder())
    index.rechunk(conn)  # the fixture writes below SearchIndex: no version recorded yet
    assert chunker_current(conn) and searcher.status()["chunker_current"] is True
    with store.transaction(conn):
        store.set_meta(conn, CHUNKER_KEY, "0-old")
        conn.execute("UPDATE chunks SET text = 'stale' WHERE scope = 'table'")
    assert searcher.status()["chunker_current"] is False
    assert index.rechunk(conn) == 2
    assert store.get_meta(conn, CHUNKER_KEY) == CHUNKER_VERSION
    text = conn.execute("SELECT text FROM chunks WHERE scope='table'").fetchone()[0]
    assert "Cible: 500" in text
    assert index.rechunk(conn) == 0


def test_store_without_a_recorded_chunker_is_stale(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    conn = store.connect(tmp_path)
    doc = make_doc(ILO, "a.pdf", [(("A",), "texte", 1)])
    prep = prepare(doc, [], embedder)
    with store.transaction(conn):
        store.write_document(conn, doc, doc.file_name, "")
        write_chunks(conn, doc, prep.chunks, prep.vectors)  # an older writer: no record
    assert not chunker_current(conn)


def test_a_concept_and_its_translations_count_once() -> None:
    # "wrote" and its French variants are one concept: a French passage that holds
    # "rédaction" beside the project's name covers the question as an English one would
    df = {"wrot": 5, "redact": 5, "redig": 5, "kafamuya": 5}
    groups = [frozenset({"wrot", "redact", "redig"})]
    q = shape("who wrote the Kafamuya report", set(df), df, 100, groups)
    assert len(q.group_weights) == 2
    french = score("Rédaction : Awa Traoré, consultante. Rapport du projet Kafamuya.", q)
    english = score("Written by the team. The Kafamuya report was wrote by Awa Traoré.", q)
    assert french[0] == english[0] == 1.0
    # without the group, the French passage could cover only part of the weight
    alone = shape("who wrote the Kafamuya report", set(df), df, 100)
    assert score("Rédaction : Awa Traoré. Rapport du projet Kafamuya.", alone)[0] < 0.7


def test_cognates_meet_across_languages() -> None:
    df = {"dominican": 3, "republic": 3}
    q = shape("evaluator of the Dominican Republic project", set(df), df, 100)
    assert score("la frontière avec la République dominicaine", q)[0] == 1.0
    assert score("la frontière avec le Burkina Faso", q)[0] == 0.0


def test_a_label_with_its_value_answers() -> None:
    df = {"budget": 10, "dialogu": 5}
    q = shape("budget du projet de dialogue", set(df), df, 100)
    assert score("Donateur : PBF. Budget : USD 3 000 000. Dialogue transfrontalier.", q)[3] > 0.5
    # the word without a value after a colon, or a colon far from it, is no label
    assert score("Le budget du dialogue a été augmenté de 300 000 USD en 2023.", q)[3] == 0.0
    assert score("Budget et dialogue. Partenaires : 12 ONG locales.", q)[3] == 0.0
    # a question that asks for no number has no labels to find
    topical = shape("dialogue et budget", set(df), df, 100)
    assert score("Budget : USD 3 000 000.", topical)[3] == 0.0


def test_entries_sharing_a_stem_are_one_concept() -> None:
    # "évaluation" matches an entry for evaluation and one for evaluability: the rare
    # translation must not become a concept of its own that no passage can hold
    df = {"evalu": 50, "assessment": 20, "evaluability": 1, "ateli": 5}
    groups = [frozenset({"evalu", "assessment"}), frozenset({"evalu", "evaluability"})]
    q = shape("dates de l'atelier d'évaluation", set(df), df, 100, groups)
    assert q.group_of["evaluability"] == q.group_of["evalu"]
    assert len(q.group_weights) == 2
    assert score("l'atelier d'évaluation s'est tenu les 4 et 5 juillet", q)[0] == 1.0


def test_a_passage_coded_after_the_query_table_still_meets_its_cognates() -> None:
    # stem ids are interned as passages are first read; a passage read after the query's
    # table was made holds ids the table lacks, and must still find its cognates
    df = {"kwarandolit": 3}
    q = shape("evaluation of kwarandolite mining", set(df), df, 100)
    assert score("kwarandolite mining", q)[0] == 1.0  # makes the table
    assert score("les mines de kwarandolitique ferreuse", q)[0] == 1.0  # new stem, same prefix
    assert score("une phrase sans rapport aucun", q)[0] == 0.0


def test_answer_codes_skip_capitals_that_start_a_sentence() -> None:
    df = {"evaluat": 3}
    q = shape("who was the evaluator", set(df), df, 100)
    # "Reports" opens a sentence after a full stop: no name, so no answer beside the evaluator
    assert score("The evaluator was hired. Reports follow.", q)[1] == 0.0
    assert score("The evaluator was hired, Reports follow.", q)[1] == 1.0
    assert score("The evaluator was Awa Traoré.", q)[1] == 1.0


CONTENTS = (
    "Table des matières 1. Budget du projet ........ 4 2. Budget des activités de médiation"
    " ........ 7 3. Budget de la formation des juges ........ 9 4. Annexes ____ 12"
)


def test_a_table_of_contents_is_read_as_one() -> None:
    from index.passage_codes import coded

    assert coded(CONTENTS).listing
    # an ellipsis or two leaders, and figures in a table row, are not a contents list
    assert not coded("Le budget ... a été revu. Voir p. 4. Coût total .... 12 000 USD").listing
    assert not coded("Juges formés | 40 | 35 | 2022 | 2023 | 87,5 %").listing


def test_a_table_of_contents_never_outranks_the_answer(tmp_path: Path) -> None:
    doc = make_doc(
        ILO,
        "ilo.pdf",
        [
            (("Table des matières",), CONTENTS, 1),
            (("Budget",), "Le budget de la médiation est de 40 000 USD.", 7),
        ],
    )
    for penalty, first in ((1.0, 7), (0.0, 1)):
        knobs = SearchKnobs(contents_penalty=penalty, collapse=False)
        hits = _store(tmp_path / str(penalty), doc, knobs).search(
            SearchRequest("budget des activités de médiation", mode="lexical")
        )
        assert hits[0].pages[0] == first


REFERENCES = (
    "References IOM (2019b). Guidance on referral mechanisms. Geneva. IOM (2021). Policy on"
    " return and reintegration. Itad (2021). Methodological report, available at"
    " https://www.itad.com/report.pdf. UNHCR (2020b). Operational guidance on accountability."
    " Jonsson, 2008, Migration aspirations and immobility in a village."
)


def test_a_reference_list_is_read_as_a_listing() -> None:
    from index.passage_codes import coded

    assert coded(REFERENCES).listing
    # findings that cite a source or two, or that name years, are not a reference list
    cited = (
        "The programme was aligned with the regional strategy (IOM, 2021) and with the Global"
        " Compact for Migration (2018). In 2020, 2021 and 2022 the budget grew from 2 to 5"
        " million USD, as the donor report (2022) shows; see https://www.iom.int for details"
        " on each of the partners, the activities and the survey of the 214 respondents."
    )
    assert not coded(cited).listing


def test_a_reference_list_never_outranks_the_answer(tmp_path: Path) -> None:
    doc = make_doc(
        ILO,
        "iom.pdf",
        [
            (("Survey",), "In all, 214 staff took the survey.", 12),
            (("References",), REFERENCES.replace("ce on", "ce on the online survey on"), 94),
        ],
    )
    for penalty, first in ((1.0, 12), (0.0, 94)):
        knobs = SearchKnobs(contents_penalty=penalty, collapse=False)
        hits = _store(tmp_path / str(penalty), doc, knobs).search(
            SearchRequest(
                "how many answers did the online survey on accountability receive", mode="lexical"
            )
        )
        assert hits[0].pages[0] == first
