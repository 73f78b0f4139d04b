"""Importing files, for ``marginalia import`` and the window's File → Import alike.

Every file is parsed first, so a bad one is refused (naming file and line) before the database
is touched; then all documents go in one transaction, so an import lands whole or not at all,
cancelled or failed included.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from annotate.errors import InputError
from annotate.formats import registry
from annotate.formats.common import Notes
from annotate.formats.labels import extend_schema
from annotate.model import NEW, AnnotatedDocument
from annotate.people import import_owner

from .documents import ImportResult


@dataclass
class ImportOutcome:
    result: ImportResult
    notes: list[str] = field(default_factory=list)
    schema_extended: bool = False

    def skipped_note(self) -> str:
        return skipped_note(self.result)


def read_items(paths: list[Path], fmt: str | None = None, *, check: Callable[[], None] | None = None,
               doccano_offsets: str = "utf16") -> tuple[list[AnnotatedDocument], Notes]:
    """Parse every file (format detected per file unless given); InputError names file and line."""
    notes = Notes()
    return registry.read_all(paths, fmt, notes, check=check, doccano_offsets=doccano_offsets), notes


def needs_an_annotator(items: list[AnnotatedDocument]) -> bool:
    """True when some document brings a status or labels whose annotator the file does not name."""
    return any((item.annotations.status != NEW or item.annotations.labels) and import_owner(item.annotations) is None
               for item in items)


def import_items(store, items: list[AnnotatedDocument], paths: list[Path], notes: Notes, *,
                 as_suggestions: bool = False, add_labels: bool = False,
                 on_progress: Callable[[int], None] | None = None) -> ImportOutcome:
    """All the items in one transaction; ``on_progress(n)`` may raise to cancel (nothing is kept)."""
    sources = [str(p) for p in paths]
    new_schema = extend_schema(items, store.schema, add=add_labels)
    current = [None]

    def documents():
        for item in items:
            current[0] = item
            yield item
    try:
        result = store.import_documents(
            documents(), as_suggestions=as_suggestions,
            origin=f"import:{Path(sources[0]).name}" if len(sources) == 1 else None,
            source=", ".join(sorted(sources))[:500], on_progress=on_progress, schema=new_schema)
    except InputError as exc:
        item = current[0]
        # A reader that knows each annotation's line (a brat .ann) lets the refusal name it.
        line = (getattr(item, "lines", None) or {}).get(getattr(exc, "annotation_id", None))
        raise exc.located(source=getattr(item, "source", None), line=line) from None
    return ImportOutcome(result, list(notes.messages), new_schema is not None)


def skipped_note(result: ImportResult) -> str:
    return (f"{result.skipped_with_annotations} of the documents already present (same id and text) bring "
            "annotations in the file; they were left as they are. To bring another copy's annotations in, "
            "import the file into a database of its own and `marginalia merge` it into this one.")


def describe(outcome: ImportOutcome) -> str:
    r = outcome.result
    return (f"imported {r.documents} documents ({r.spans} entities and claims, {r.stances} stances, "
            f"{r.relations} relations); {r.skipped} already present")
