"""Reading each annotator's gold from one or more database files, for annotate.agreement.

Gold is what a person decided: spans, stances and relations with decision accepted or manual,
attributed by their ``annotator`` column. Documents are keyed by the SHA-256 of their text, so
separate annotators' files (not merged) can be compared as well as one merged file.
"""
from __future__ import annotations

import os

from annotate.agreement import Claim, Corpus, Version, agreement_report
from annotate.model import DONE, ENTITY, HUMAN_DECISIONS, SKIPPED
from annotate.schema import Schema, schema_from_json

from .files import read_leaving_nothing

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
        def read(conn):
            row = conn.execute("SELECT body FROM schemas ORDER BY version DESC LIMIT 1").fetchone()
            return (schema_from_json(row[0]) if row else None), _read_versions(conn)

        # One snapshot of each file, and nothing left beside it (see files.read_leaving_nothing).
        file_schema, versions = read_leaving_nothing(path, read)
        schema = schema if schema is not None else file_schema
        for (sha, annotator), version in versions.items():
            if (sha, annotator) in seen_in:
                notes.append(f"{path}: {annotator}'s version of a document is also in {seen_in[sha, annotator]}; "
                             "the first is used")
                continue
            seen_in[sha, annotator] = path
            corpus.setdefault(sha, {})[annotator] = version
    return corpus, schema, notes


def _read_versions(conn) -> dict[tuple[str, str], Version]:
    sha_of = {}
    length_of = {}
    for doc_id, sha, length in conn.execute("SELECT id, sha256, length(text) FROM documents"):
        sha_of[doc_id] = sha
        length_of[doc_id] = length
    versions: dict[tuple[str, str], Version] = {}

    def version(doc_id: str, annotator: str) -> Version:
        key = (sha_of[doc_id], annotator)
        if key not in versions:
            versions[key] = Version(length=length_of[doc_id])
        return versions[key]

    # Every span, gold or not, by id: a gold stance may point at a span someone else decided.
    spans = {(doc_id, span_id): (start, end, label) for doc_id, span_id, start, end, label in
             conn.execute('SELECT doc_id, id, start, "end", label FROM spans')}
    for doc_id, layer, start, end, label, annotator, claim_type, checkworthy, claimant, claimant_text in conn.execute(
            'SELECT doc_id, layer, start, "end", label, annotator, claim_type, checkworthy, claimant, claimant_text '
            f'FROM spans WHERE {_GOLD} ORDER BY doc_id, start, "end"'):
        target = version(doc_id, annotator)
        if layer == ENTITY:
            target.entities.append((start, end, label))
            continue
        key = (start, end, "CLAIM")
        target.claims.append(key)
        source = spans.get((doc_id, claimant)) if claimant else None
        who = ("entity", *source) if source else ("text", claimant_text.strip()) if claimant_text else None
        target.claim_details.append(Claim(key, claim_type, None if checkworthy is None else bool(checkworthy), who))
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
    labels: dict[tuple[str, str], set[str]] = {}
    for doc_id, label, annotator in conn.execute("SELECT doc_id, label, annotator FROM doc_labels"):
        labels.setdefault((doc_id, annotator), set()).add(label)
    for (doc_id, annotator), names in labels.items():
        version(doc_id, annotator).labels = frozenset(names)
    for doc_id, annotator, status in conn.execute("SELECT doc_id, annotator, status FROM doc_status"):
        if status in (DONE, SKIPPED):
            setattr(version(doc_id, annotator), "done" if status == DONE else "skipped", True)
    return versions


def schema_categories(schema: Schema | None) -> dict:
    """The agreement report's category scales from the schema (labels nobody used count for AC1)."""
    if schema is None:
        return {}
    return {"polarities": list(schema.polarities), "relation_labels": [r.label for r in schema.relations],
            "entity_labels": schema.entity_labels, "claim_types": list(schema.claim_types),
            "document_labels": list(schema.document_labels)}


def agreement(paths: list[str | os.PathLike], *, include_unfinished: bool = False) -> tuple[dict, list[str]]:
    """The agreement report over one merged file or several annotators' files, and notes."""
    corpus, schema, notes = read_corpus(paths)
    return agreement_report(corpus, include_unfinished=include_unfinished, **schema_categories(schema)), notes
