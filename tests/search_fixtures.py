"""Small hand-built documents and items for the search unit tests (no readers needed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from index import store
from index.embeddings import HashingEmbedder
from index.indexer import prepare, write_chunks
from index.query import SearchFilters, SearchRequest
from index.search import Hit, Searcher
from index.search_index import SearchIndex
from ingest.records import PARAGRAPH, Block, Document, Item, Table, Tag

if TYPE_CHECKING:
    from index.pg.backend import Backend


def make_doc(
    doc_id: str,
    name: str,
    paragraphs: Sequence[tuple[tuple[str, ...], str, int]],
    tables: tuple[Table, ...] = (),
    language: str = "fr",
) -> Document:
    """A Document from (section path, text, page) paragraphs."""
    blocks = tuple(Block(PARAGRAPH, text, (page,), path) for path, text, page in paragraphs)
    return Document(
        id=doc_id,
        file_name=name,
        title=name,
        language=language,
        page_count=10,
        media_type="pdf",
        blocks=blocks,
        tables=tables,
    )


def item(doc_id: str, n: int, kind: str, text: str, addressee: str = "", theme: str = "") -> Item:
    """An Item with an optional addressee and theme tag."""
    tags = (Tag("theme", theme, ""),) if theme else ()
    return Item(
        id=f"{doc_id[:4]}{n:012d}",
        document_id=doc_id,
        kind=kind,
        text=text,
        pages=(n,),
        section_path=("Recommandations",),
        label=f"R{n}",
        addressee=addressee,
        tags=tags,
    )


ILO = "a" * 64
EU = "b" * 64


def corpus() -> list[tuple[Document, list[Item], dict[str, object]]]:
    """Two small documents: an ILO slavery evaluation (2023) and an EU migration report (2021)."""
    ilo = make_doc(
        ILO,
        "ilo-slavery.pdf",
        [
            (
                ("Résumé",),
                "L'évaluation porte sur la lutte contre l'esclavage par ascendance au Mali.",
                2,
            ),
            (
                ("Résultats", "Efficacité"),
                "Les commissions communautaires de médiation ont permis "
                "l'affranchissement de nombreuses victimes dans la région de Kayes.",
                20,
            ),
            (
                ("Résultats", "Durabilité"),
                "La pérennité des activités génératrices de revenus dépend "
                "du soutien des communes et des services techniques.",
                30,
            ),
        ],
        tables=(
            Table(
                0,
                (
                    ("Indicateur", "Cible", "Réalisé"),
                    ("Victimes assistées", "500", "612"),
                    ("Juges formés", "40", "38"),
                ),
                (40,),
                ("Annexe",),
            ),
        ),
    )
    eu = make_doc(
        EU,
        "eutf-migration.pdf",
        [
            (
                ("Contexte",),
                "Le retour volontaire des migrants et leur réintégration économique "
                "sont au cœur du programme financé par l'Union européenne.",
                3,
            ),
            (
                ("Constats",),
                "Les retards de paiement des kits de réintégration frustrent les "
                "bénéficiaires migrants de retour.",
                12,
            ),
        ],
    )
    ilo_items = [
        item(
            ILO,
            1,
            "recommendation",
            "Augmenter le budget alloué aux activités économiques des victimes de l'esclavage.",
            addressee="OIT",
            theme="livelihoods",
        ),
        item(
            ILO,
            2,
            "lesson",
            "L'approche communautaire garantit le succès de la lutte contre l'esclavage.",
            theme="community",
        ),
    ]
    eu_items = [
        item(
            EU,
            1,
            "recommendation",
            "Accélérer le paiement des kits de réintégration aux migrants de retour.",
            addressee="OIM",
            theme="livelihoods",
        ),
        item(
            EU,
            2,
            "good_practice",
            "Un soutien psychosocial par les pairs aide les migrants de retour.",
            theme="community",
        ),
    ]
    return [
        (
            ilo,
            ilo_items,
            {"type": "evaluation", "year": 2023, "countries": ["Mali"], "organisations": ["OIT"]},
        ),
        (
            eu,
            eu_items,
            {
                "type": "report",
                "year": 2021,
                "countries": "Mali; Sénégal",
                "organisations": ["Union européenne", "OIM"],
            },
        ),
    ]


def build(home: Path, embedder: HashingEmbedder | None = None) -> Searcher:
    """A store under `home` with the small corpus indexed, and a Searcher on it."""
    embedder = embedder or HashingEmbedder()
    conn = store.connect(home)
    for doc, items, meta in corpus():
        prep = prepare(doc, items, embedder, meta)
        with store.transaction(conn):
            store.write_document(conn, doc, doc.file_name, "")
            store.write_items(conn, doc.id, items)
            write_chunks(
                conn,
                doc,
                prep.chunks,
                prep.vectors,
                items=items,
                metadata=meta,
                model=(embedder.name, embedder.dim),
            )
    return SearchIndex(home, embedder).searcher(conn)


def find(
    searcher: Searcher, query: str, filters: SearchFilters | None = None, **options: object
) -> list[Hit]:
    """`searcher.search` with the request spelled as keywords (k, mode, offset, expand)."""
    return searcher.search(SearchRequest(query, filters or SearchFilters(), **options))  # type: ignore[arg-type]


def fill(backend: Backend) -> Backend:
    """The small two-document corpus of the search tests, stored through the backend."""
    for doc, items, meta in corpus():
        pairs = tuple((k, "; ".join(v) if isinstance(v, list) else str(v)) for k, v in meta.items())
        doc = replace(doc, metadata=pairs)
        prepared = backend.index.prepare(doc, items)
        with backend.transaction():
            backend.library.add(doc, items, doc.file_name, "")
            backend.index.write(backend.conn, doc, items, prepared)
        backend.index.refresh(backend.conn)
    return backend
