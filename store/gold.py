"""Reading each annotator's gold from one or more database files, for annotate.agreement.

Gold is what a person decided: spans, stances and relations with decision accepted or manual,
attributed by their ``annotator`` column. Documents are keyed by the SHA-256 of their text, so
separate annotators' files (not merged) can be compared as well as one merged file.
"""
from __future__ import annotations

import os

from annotate.agreement import Corpus, Version
from annotate.model import CLAIM, DONE, ENTITY, HUMAN_DECISIONS
from annotate.schema import Schema, schema_from_json

from .database import close_database, open_database

_GOLD = "decision IN (%s) AND annotator IS NOT NULL" % ", ".join(f"'{d}'" for d in HUMAN_DECISIONS)


def read_corpus(paths: list[str | os.PathLike]) -> tuple[Corpus, Schema | None, list[str]]:
    """(corpus, the first file's schema, notes). Files are opened read-only.

    When an annotator's version of a document is in more than one file, the first file's is
    used and a note says so.
    """
    corpus: Corpus = {}
    notes: list[str] = []
    schema: Schema | None = None
    seen_in: dict[tuple[str, str], str] = {}
    for path in map(os.fspath, paths):
        db = open_database(path, create=False, read_only=True)
        conn = db.conn
        try:
            conn.execute("BEGIN")
            if schema is None:
                row = conn.execute("SELECT body FROM schemas ORDER BY version DESC LIMIT 1").fetchone()
                schema = schema_from_json(row[0]) if row else None
            versions = _read_versions(conn)
            conn.execute("COMMIT")
        finally:
            close_database(db)
        for (sha, annotator), version in versions.items():
            if (sha, annotator) in seen_in:
                notes.append(f"{path}: {annotator}'s version of a document is also in {seen_in[sha, annotator]}; "
                             "the first is used")
                continue
            seen_in[sha, annotator] = path
            corpus.setdefault(sha, {})[annotator] = version
    return corpus, schema, notes


def _read_versions(conn) -> dict[tuple[str, str], Version]:
    sha_of = dict(conn.execute("SELECT id, sha256 FROM documents"))
    versions: dict[tuple[str, str], Version] = {}

    def version(doc_id: str, annotator: str) -> Version:
        return versions.setdefault((sha_of[doc_id], annotator), Version())

    # Every span, gold or not, by id: a gold stance may point at a span someone else decided.
    spans = {(doc_id, span_id): (start, end, label) for doc_id, span_id, start, end, label in
             conn.execute('SELECT doc_id, id, start, "end", label FROM spans')}
    for doc_id, layer, start, end, label, annotator in conn.execute(
            f'SELECT doc_id, layer, start, "end", label, annotator FROM spans WHERE {_GOLD} ORDER BY doc_id, start, "end"'):
        target = version(doc_id, annotator)
        (target.entities if layer == ENTITY else target.claims).append((start, end, label if layer != CLAIM else "CLAIM"))
    for doc_id, holder, target_id, polarity, annotator in conn.execute(
            f"SELECT doc_id, holder, target, polarity, annotator FROM stances WHERE {_GOLD} ORDER BY doc_id, created_at, id"):
        ends = spans.get((doc_id, holder)), spans.get((doc_id, target_id))
        if None not in ends:
            version(doc_id, annotator).stances.append((ends[0], ends[1], polarity))
    for doc_id, head, tail, label, annotator in conn.execute(
            f"SELECT doc_id, head, tail, label, annotator FROM relations WHERE {_GOLD} ORDER BY doc_id, created_at, id"):
        ends = spans.get((doc_id, head)), spans.get((doc_id, tail))
        if None not in ends:
            version(doc_id, annotator).relations.append((ends[0], ends[1], label))
    for doc_id, annotator in conn.execute("SELECT doc_id, annotator FROM doc_status WHERE status = ?", [DONE]):
        version(doc_id, annotator).done = True
    return versions
