"""Management responses in the store: write a document's response blocks and actions, read
them back with their links, and list what is left unmatched on either side.

`ResponseStore(conn)` works like `Library`: writes run inside the caller's transaction
(`store.transaction`), so a document, its responses and their links commit together.
Linking itself is `index/relink.py` (what to compare) over `index/linking.py` (how). The SQL
runs on either backend (`index.dbapi`: an SQLite connection or a wrapped Postgres one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.records import Item, Response, ResponseAction

from .dbapi import Conn, resolve
from .rows import _tuple, row_to_item, to_json


@dataclass(frozen=True)
class ItemLink:
    """One recommendation item a response answers."""

    item_id: str
    score: float
    method: str


@dataclass(frozen=True)
class LinkedResponse:
    """A response with its document's and its evaluation's names and its item links."""

    response: Response
    file_name: str
    evaluation_id: str = ""
    evaluation_file: str = ""
    document_score: float = 0.0
    links: tuple[ItemLink, ...] = ()


@dataclass(frozen=True)
class Unmatched:
    """What a response document and its evaluation leave unpaired."""

    responses: tuple[LinkedResponse, ...]  # blocks that answer no recommendation found
    items: tuple[Item, ...]  # recommendations of the evaluation(s) no response answers


_SELECT = (
    "SELECT r.*, d.file_name AS file_name, rd.evaluation_id AS evaluation_id,"
    " COALESCE(e.file_name, '') AS evaluation_file, COALESCE(rd.score, 0) AS doc_score"
    " FROM responses r JOIN documents d ON d.id = r.document_id"
    " LEFT JOIN response_documents rd ON rd.document_id = r.document_id"
    " LEFT JOIN documents e ON e.id = rd.evaluation_id"
)
_ORDER = " ORDER BY d.file_name, r.document_id, r.ord"
NO_LIMIT = 2**62  # a LIMIT both engines take for "every row" (SQLite has no LIMIT ALL)


class ResponseStore:
    """Responses, actions and links stored under one connection."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # -- writes (inside the caller's transaction) --------------------------------------
    def write(self, document_id: str, responses: Sequence[Response]) -> None:
        """Replace a document's responses and their actions (links go with them)."""
        self.conn.execute("DELETE FROM responses WHERE document_id = ?", (document_id,))
        for n, r in enumerate(responses):
            self.conn.execute(
                "INSERT INTO responses (id, document_id, ord, number, numbers,"
                " recommendation_text, verdict, verdict_evidence, response_text, addressee,"
                " priority, pages, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    r.id,
                    document_id,
                    n,
                    r.number,
                    to_json(r.numbers),
                    r.recommendation_text,
                    r.verdict,
                    r.verdict_evidence,
                    r.response_text,
                    r.addressee,
                    r.priority,
                    to_json(r.pages),
                    r.evidence,
                ),
            )
            self.conn.executemany(
                "INSERT INTO response_actions (id, response_id, ord, text, deadline,"
                " responsible, status, comments, pages) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        a.id,
                        r.id,
                        k,
                        a.text,
                        a.deadline,
                        a.responsible,
                        a.status,
                        a.comments,
                        to_json(a.pages),
                    )
                    for k, a in enumerate(r.actions)
                ],
            )

    # -- reads --------------------------------------------------------------------------
    def of_document(self, document_id: str) -> list[Response]:
        """A document's responses in reading order."""
        return [r.response for r in self._linked("WHERE r.document_id = ?", [document_id])]

    def response_documents(self) -> list[str]:
        """Ids of the documents that hold responses."""
        rows = self.conn.execute("SELECT DISTINCT document_id FROM responses")
        return [r[0] for r in rows]

    def linked(
        self, document: str = "", verdict: str = "", limit: int | None = None, offset: int = 0
    ) -> list[LinkedResponse]:
        """Every response, or those of one document: the response document itself or the
        evaluation it answers (id, id prefix or file name); optionally of one verdict, and a
        page of them (`limit`, `offset`)."""
        where: list[str] = []
        args: list[object] = []
        if document:
            doc_id = resolve(self.conn, document).id
            where.append("(r.document_id = ? OR rd.evaluation_id = ?)")
            args += [doc_id, doc_id]
        if verdict:
            where.append("r.verdict = ?")
            args.append(verdict)
        sql = "WHERE " + " AND ".join(where) if where else ""
        page = " LIMIT ? OFFSET ?"
        return self._linked(sql, [*args, NO_LIMIT if limit is None else limit, offset], page)

    def for_item(self, item_id: str) -> list[LinkedResponse]:
        """The responses linked to one recommendation item."""
        where = "WHERE r.id IN (SELECT response_id FROM response_links WHERE item_id = ?)"
        return self._linked(where, [item_id])

    def unmatched(self, document: str = "") -> Unmatched:
        """Responses without a link, and recommendations of the linked evaluations that no
        response answers (for every response document, or for one document)."""
        linked = self.linked(document)
        evaluations = sorted({r.evaluation_id for r in linked if r.evaluation_id})
        if not evaluations:
            return Unmatched(tuple(r for r in linked if not r.links), ())
        marks = ",".join("?" * len(evaluations))
        rows = self.conn.execute(
            f"SELECT i.* FROM items i WHERE i.document_id IN ({marks})"
            " AND i.kind = 'recommendation' AND NOT EXISTS (SELECT 1 FROM response_links l"
            " JOIN responses r ON r.id = l.response_id WHERE l.item_id = i.id)"
            " ORDER BY i.document_id, i.ord",
            evaluations,
        ).fetchall()
        items = tuple(row_to_item(r) for r in rows)
        return Unmatched(tuple(r for r in linked if not r.links), items)

    def _linked(self, where: str, args: list[object], page: str = "") -> list[LinkedResponse]:
        rows = self.conn.execute(f"{_SELECT} {where}{_ORDER}{page}", args).fetchall()
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        actions = self._actions(ids)
        links = self._links(ids)
        return [
            LinkedResponse(
                response=_response(row, actions.get(row["id"], ())),
                file_name=row["file_name"],
                evaluation_id=row["evaluation_id"] or "",
                evaluation_file=row["evaluation_file"],
                document_score=round(float(row["doc_score"]), 3),
                links=links.get(row["id"], ()),
            )
            for row in rows
        ]

    def _actions(self, ids: list[str]) -> dict[str, tuple[ResponseAction, ...]]:
        out: dict[str, list[ResponseAction]] = {}
        for chunk in _chunks(ids):
            sql = (
                "SELECT * FROM response_actions WHERE response_id IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY response_id, ord"
            )
            for a in self.conn.execute(sql, chunk):
                out.setdefault(a["response_id"], []).append(
                    ResponseAction(
                        id=a["id"],
                        text=a["text"],
                        deadline=a["deadline"],
                        responsible=a["responsible"],
                        status=a["status"],
                        comments=a["comments"],
                        pages=_tuple(a["pages"]),
                    )
                )
        return {k: tuple(v) for k, v in out.items()}

    def _links(self, ids: list[str]) -> dict[str, tuple[ItemLink, ...]]:
        out: dict[str, list[ItemLink]] = {}
        for chunk in _chunks(ids):
            sql = (
                "SELECT l.* FROM response_links l JOIN items i ON i.id = l.item_id"
                f" WHERE l.response_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY l.response_id, i.ord"
            )
            for row in self.conn.execute(sql, chunk):
                link = ItemLink(row["item_id"], round(float(row["score"]), 3), row["method"])
                out.setdefault(row["response_id"], []).append(link)
        return {k: tuple(v) for k, v in out.items()}


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[n : n + size] for n in range(0, len(ids), size)]


def _response(row: Any, actions: tuple[ResponseAction, ...]) -> Response:
    return Response(
        id=row["id"],
        document_id=row["document_id"],
        number=row["number"],
        recommendation_text=row["recommendation_text"],
        verdict=row["verdict"],
        verdict_evidence=row["verdict_evidence"],
        response_text=row["response_text"],
        addressee=row["addressee"],
        priority=row["priority"],
        actions=actions,
        pages=_tuple(row["pages"]),
        numbers=_tuple(row["numbers"]),
        evidence=row["evidence"],
    )
