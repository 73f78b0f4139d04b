"""Writing output files safely: never half a file, never over an existing one unless asked."""
from __future__ import annotations

import re
from argparse import ArgumentTypeError
from contextlib import closing
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, TextIO

from annotate.arguments import decimal
from annotate.errors import InputError

from .comments import with_comments_as_notes
from .native_export import native_lines


def write_atomically(target: Path, write: Callable[[TextIO], int], *, force: bool = False) -> int:
    """Run ``write`` into a temporary file beside ``target`` and move it into place at the end.

    A crash or an error leaves any existing file as it was, and no partial output.
    """
    if str(target) == "-":
        return write(sys.stdout)
    target = Path(target)
    if target.exists() and not force:
        raise InputError("already exists; pass --force to overwrite it", source=str(target))
    if target.is_dir():
        raise InputError("is a folder; give a file name", source=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


# ---- exporting the store in any format -------------------------------------------------------

def parse_split(spec: str) -> list[tuple[str, float]]:
    """'train=0.8,dev=0.1,test=0.1' -> [('train', 0.8), ...]; the parts must add up to 1."""
    parts: list[tuple[str, float]] = []
    for piece in spec.split(","):
        name, sep, value = piece.partition("=")
        name = name.strip()
        try:
            fraction = decimal(value.strip())  # the digits 0-9: float() reads "１" and "nan" too
        except ArgumentTypeError:
            fraction = -1.0
        # The name goes into a file name (out.NAME.jsonl): ASCII letters, digits, - and _.
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name) or not 0 < fraction <= 1:
            raise InputError(f"--split: {piece.strip()!r} is not NAME=FRACTION (e.g. train=0.8,dev=0.1,test=0.1)")
        if name in {n for n, _ in parts}:
            raise InputError(f"--split: {name!r} is given twice")
        parts.append((name, fraction))
    total = sum(f for _, f in parts)
    if abs(total - 1.0) > 1e-6:
        raise InputError(f"--split: the fractions add up to {total:g}, not 1")
    return parts


def assign_splits(doc_ids: list[str], parts: list[tuple[str, float]], seed: int) -> dict[str, str]:
    """A deterministic shuffle with the seed, cut at the cumulative fractions (exact sizes)."""
    import random
    order = sorted(doc_ids)
    random.Random(seed).shuffle(order)
    out: dict[str, str] = {}
    start, cumulative = 0, 0.0
    for index, (name, fraction) in enumerate(parts):
        cumulative += fraction
        end = len(order) if index == len(parts) - 1 else round(cumulative * len(order))
        for doc_id in order[start:end]:
            out[doc_id] = name
        start = end
    return out


def only_annotator(item, name: str):
    """One annotator's version of a document: what that person decided, nothing else."""
    from dataclasses import replace as _replace

    from annotate.model import AnnotatedDocument, Annotations
    ann = item.annotations
    spans = [s for s in ann.spans if s.annotator == name]
    ids = {s.id for s in spans}
    text = item.document.text
    clusters = [c for c in ann.clusters if c.annotator == name]
    groups = {c.id for c in clusters}
    fixed = []
    for span in spans:
        if span.cluster is not None and span.cluster not in groups:
            span = _replace(span, cluster=None)
        if span.claimant is not None and span.claimant not in ids:
            claimant = next((s for s in ann.spans if s.id == span.claimant), None)
            span = _replace(span, claimant=None,
                            claimant_text=span.claimant_text or (text[claimant.start:claimant.end] if claimant else None))
        if span.replaces is not None and span.replaces not in ids:
            span = _replace(span, replaces=None)
        fixed.append(span)
    stances = [s for s in ann.stances if s.annotator == name and s.holder in ids and s.target in ids
               and (s.evidence is None or s.evidence in ids)]
    relations = [r for r in ann.relations if r.annotator == name and r.head in ids and r.tail in ids]
    return AnnotatedDocument(item.document, Annotations(fixed, stances, relations, list(ann.labels), ann.status,
                                                        ann.status_reason, clusters))


def _doc_ids(store, only_done: bool) -> list[str]:
    if only_done:
        sql = ("SELECT d.id FROM documents d JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? "
               "AND s.status = 'done' ORDER BY d.rowid")
        return [r[0] for r in store.conn.execute(sql, [store.annotator])]
    return store.document_ids()


def check_not_empty(store, *, only_done: bool, annotator: str | None) -> None:
    """An export never lies by being empty: when the selection (``--only-done`` is the annotator's
    own status; ``--annotator`` their annotations) matches nothing but other annotators have what
    it asks for, say who, and write nothing."""
    conn = store.conn

    def listing(rows) -> str:
        return ", ".join(f"{who!r} ({count} document{'s' if count != 1 else ''})" for who, count in rows)

    if only_done:
        who = store.annotator
        mine = conn.execute("SELECT count(*) FROM doc_status WHERE annotator = ? AND status = 'done'", [who]).fetchone()[0]
        if not mine:
            others = conn.execute("SELECT annotator, count(*) FROM doc_status WHERE status = 'done' AND annotator != ? "
                                  "GROUP BY annotator ORDER BY count(*) DESC, annotator", [who]).fetchall()
            if others:
                raise InputError(f"nothing to export: no document is marked done by {who!r} (--only-done counts the "
                                 f"annotator's own status); done by {listing(others)}: give --annotator "
                                 f"{others[0][0]} to export theirs")
    if annotator is not None:
        mine = conn.execute("SELECT (SELECT count(*) FROM spans WHERE annotator = ?) + (SELECT count(*) FROM stances "
                            "WHERE annotator = ?) + (SELECT count(*) FROM relations WHERE annotator = ?)",
                            [annotator] * 3).fetchone()[0]
        if not mine:
            others = conn.execute("SELECT annotator, count(DISTINCT doc_id) FROM spans WHERE annotator IS NOT NULL "
                                  "AND annotator != ? GROUP BY annotator ORDER BY 2 DESC, annotator",
                                  [annotator]).fetchall()
            if others:
                raise InputError(f"nothing to export: {annotator!r} has no annotations in this database; annotations "
                                 f"by {listing(others)}")


def export_documents(store, fmt: str, out: Path, *, only_done: bool = False, annotator: str | None = None,
                     split: str | None = None, seed: int = 0, force: bool = False, doccano_offsets: str = "utf16",
                     on_progress: Callable[[], None] | None = None) -> dict[str, int]:
    """Stream the store into one file (or folder) per split; returns {target: documents written}.

    Documents are read a page at a time and written as they come, so memory does not grow with
    the corpus. Every target is written beside itself and moved into place only when all are
    complete: an error leaves no partial output and no existing file changed.
    """
    from annotate.formats import registry
    from annotate.formats.landing import Landing
    from annotate.formats.output import check_target

    out = Path(out)
    parts = parse_split(split) if split else None
    if parts and str(out) == "-":
        raise InputError("--split writes one file per split; give a file name, not '-'")
    targets = {name: registry.split_target(out, name) for name, _ in parts} if parts else {"": out}
    for target in targets.values():
        check_target(target, force=force, folder=registry.writes_folder(fmt, target))
    check_not_empty(store, only_done=only_done, annotator=annotator)
    assignment = assign_splits(_doc_ids(store, only_done), parts, seed) if parts else None
    writers: dict[str, Any] = {}
    landing = Landing()  # the split files (and a config beside) land as one set
    try:
        for name, target in targets.items():
            writers[name] = registry.writer(fmt, target, store.schema, doccano_offsets=doccano_offsets)
            writers[name].landing = landing
            if fmt == "csv":
                # One row per annotator's active time on each document, beside its annotations.
                writers[name].time_of = lambda doc_id: [
                    (who, seconds) for who, seconds in store.conn.execute(
                        "SELECT annotator, seconds FROM work_time WHERE doc_id = ? ORDER BY annotator", [doc_id])
                    if annotator is None or who == annotator]
        if fmt == "jsonl" and annotator is None:
            # Closed on an error too, before the caller's read transaction ends: its statement is open.
            with closing(native_lines(store, only_done=only_done)) as lines:
                for doc_id, line in lines:
                    name = assignment.get(doc_id) if assignment is not None else ""
                    if name is None:
                        continue
                    writers[name].add_line(line)
                    if on_progress:
                        on_progress()
        for item in (() if fmt == "jsonl" and annotator is None else store.iter_annotated(only_done=only_done)):
            if annotator is not None:
                item = only_annotator(item, annotator)
            if fmt in ("brat", "jsonl"):
                item = with_comments_as_notes(store.conn, item)  # comments on annotations as notes
            name = assignment.get(item.document.id) if assignment is not None else ""
            if name is None:
                continue
            writers[name].add(item)
            if on_progress:
                on_progress()
        written = {str(targets[name]): w.close() for name, w in writers.items()}
        if fmt == "spacy":
            _write_spacy_config(out, targets, writers, landing)
    except BaseException:
        for w in writers.values():
            w.abort()
        landing.abort()
        raise
    landing.commit()
    return written


def _write_spacy_config(out: Path, targets: dict[str, Path], writers: dict, landing=None) -> None:
    """config.cfg beside a DocBin export, its train and dev paths on the export's splits."""
    from annotate.formats import docbin
    from annotate.formats.output import write_beside
    train = targets.get("train", next(iter(targets.values())))
    dev = targets.get("dev", train)
    claims = any(getattr(w, "claims", 0) for w in writers.values())
    write_beside(docbin.config_path(out), docbin.training_config(train, dev, claims=claims), landing)
