"""Chunking: items as units, section-bounded passages of 150-300 words, table row groups."""

from __future__ import annotations

from index.chunks import MAX_WORDS, chunk_document, passage_chunks, table_chunks, unit_text
from index.knobs import ChunkKnobs
from ingest.records import Table
from tests.search_fixtures import ILO, corpus, make_doc


def _sentence(i: int) -> str:
    return f"Phrase numéro {i} sur la gestion du projet et ses résultats attendus."  # 12 words


def test_passages_respect_sections_and_size() -> None:
    paras = [(("A",), " ".join(_sentence(i) for i in range(6)), 1) for _ in range(8)]
    paras += [(("B",), _sentence(99), 5)]
    doc = make_doc(ILO, "x.pdf", paras)
    chunks = passage_chunks(doc)
    a = [c for c in chunks if c.section_path == ("A",)]
    b = [c for c in chunks if c.section_path == ("B",)]
    assert len(b) == 1 and "99" in b[0].text and b[0].pages == (5,)
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert all(len(c.text.split()) >= 100 for c in a[:-1])
    assert len({c.id for c in chunks}) == len(chunks)


def test_long_block_is_split_on_sentences() -> None:
    doc = make_doc(ILO, "x.pdf", [(("A",), " ".join(_sentence(i) for i in range(80)), 3)])
    chunks = passage_chunks(doc)
    assert len(chunks) >= 3
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert all(c.text.rstrip().endswith(".") for c in chunks)


def test_table_groups_repeat_header() -> None:
    rows = (("Activité", "Budget"),) + tuple((f"Activité {i}", f"{i}000") for i in range(30))
    chunks = table_chunks(ILO, Table(2, rows, (7, 8), ("Annexe",), caption="Tableau 3"))
    assert len(chunks) >= 3
    for c in chunks:
        # every group starts with the caption; every row carries its column names
        assert c.text.startswith("Tableau 3\nActivité: Activité ")
        assert all(line.count("Budget: ") == 1 for line in c.text.splitlines()[1:])
        assert c.scope == "table" and c.ref == f"{ILO[:16]}-t2" and c.pages == (7, 8)
    old = table_chunks(
        ILO, Table(2, rows, (7, 8), caption="Tableau 3"), ChunkKnobs(table_row_headers=False)
    )
    assert all(c.text.startswith("Tableau 3\nActivité | Budget\n") for c in old)


def test_items_are_units_with_context() -> None:
    doc, items, meta = corpus()[0]
    chunks = chunk_document(doc, items, meta)
    item_chunks = [c for c in chunks if c.scope == "item"]
    assert [c.ref for c in item_chunks] == [it.id for it in items]
    assert item_chunks[0].kind == "recommendation"
    text = unit_text(item_chunks[0], items[0])
    assert "Recommandations" in text and "OIT" in text and items[0].text in text
