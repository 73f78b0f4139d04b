"""Which formats exist, how a file's format is recognised, and one entry point to read or write each."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

from ..errors import InputError
from ..values import check_storable
from . import brat, conll, docbin, doccano, labelstudio, native_jsonl, plaintext, prodigy
from .common import Notes, SourcedDocument, fail
from .folders import list_files, missing
from .names import EXPORT_FORMATS, IMPORT_FORMATS, SUFFIX  # noqa: F401 (the names live there, re-exported)
from .output import LineWriter, Writer, json_record
from .reading import decode_leniently, refuse_devices, special_file

_NATIVE_KEYS = {"id", "text", "meta", "entities", "claims", "stances", "relations", "labels", "status",
                "status_reason", "clusters"}
_PRODIGY_KEYS = {"spans", "tokens", "answer", "_input_hash", "_task_hash", "_view_id", "accept", "options"}
_DOCCANO_KEYS = {"label", "labels", "column_label", "annotations", "column_data", "data", "annotation_approver"}


# ---- detection ----------------------------------------------------------------------------

def detect(path: Path) -> str:
    """The format of a file or folder, from its name and then its content; InputError when unknown."""
    if not path.exists():
        raise missing(path)
    if path.is_dir():
        if brat.is_brat_folder(path):
            return "brat"
        if list_files(path, (".spacy",)).files:
            return "spacy"
        return "txt"
    kind = special_file(path)
    if kind is not None:
        # Recognising the format reads the start, which a pipe gives only once.
        refuse_devices(path)
        raise fail(f"is {kind}: its content can be read only once, so its format cannot be recognised first; "
                   "give --format", path)
    suffix = path.suffix.lower()
    if suffix == ".spacy":
        return "spacy"
    if suffix == ".ann":
        return "brat"
    if suffix in (".csv", ".tsv"):
        raise fail("CSV is an export format here (entities, claims, stances and relations as rows); it cannot be "
                   "imported. Import the annotated documents in one of: " + ", ".join(IMPORT_FORMATS), path)
    if suffix in (".conf", ".md", ".xml", ".html", ".pdf", ".zip", ".gz"):
        raise fail(f"unsupported format ({suffix} files hold no documents to import); formats: "
                   + ", ".join(IMPORT_FORMATS), path)
    head = _head(path)
    if suffix == ".txt":
        if path.with_suffix(".ann").exists():
            return "brat"
        return "conll" if conll.looks_like_iob(head) else "txt"
    if suffix == ".conllu" or conll.looks_like_conllu(head):
        return "conllu"
    if suffix in (".conll", ".iob", ".bio", ".iob2", ".bilou") or conll.looks_like_iob(head):
        return "conll"
    if suffix in (".jsonl", ".ndjson") or head.lstrip()[:1] in ("{", "["):
        return _detect_json(path, suffix)
    raise fail("unsupported format: not a file type Marginalia reads (give --format; formats: "
               + ", ".join(IMPORT_FORMATS) + ")", path)


def _head(path: Path, size: int = 65536) -> str:
    try:
        with open(path, "rb") as f:
            return decode_leniently(f.read(size))
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror}", path) from None


#: Detection looks at keys, not numbers: an integer past Python's 4,300-digit limit must not hide
#: the format (the reader then refuses it, naming the line).
_SNIFF = json.JSONDecoder(parse_int=lambda literal: 0)


def _detect_json(path: Path, suffix: str) -> str:
    try:
        text = decode_leniently(path.read_bytes())
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror}", path) from None
    whole = None
    try:
        whole = _SNIFF.decode(text)
    except (ValueError, RecursionError):  # the reader names the line
        pass
    if whole is not None and (suffix == ".json" or "\n" in text.strip()):
        if labelstudio.looks_like_label_studio(whole):
            return "labelstudio"
        records = whole if isinstance(whole, list) else [whole]
        if records and all(isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) for r in records[:5]):
            raise fail("this is spaCy's (text, {\"entities\": ...}) training tuples file, which is not read; "
                       "make a .spacy file from it (spacy.training.offsets_to_biluo_tags / DocBin) and import that",
                       path)
        if records and all(isinstance(r, dict) and "paragraphs" in r for r in records[:5]):
            raise fail("this is the spaCy v2 JSON training format, which is not read; convert it with "
                       "`python -m spacy convert FILE .` and import the .spacy file", path)
        if records and isinstance(records[0], dict):
            return _by_keys(records[:20], path)
        raise fail("unsupported JSON: neither Label Studio tasks nor doccano / Prodigy / native records", path)
    records = []
    for line in text.split("\n"):
        if line.strip():
            try:
                records.append(_SNIFF.decode(line))
            except (ValueError, RecursionError):
                break
        if len(records) >= 20:
            break
    if not records or not isinstance(records[0], dict):
        if suffix == ".json":
            raise fail("not valid JSON", path)
        return "jsonl"  # the native reader names the bad line
    return _by_keys(records, path)


def _by_keys(records: list, path: Path) -> str:
    for record in records:
        if not isinstance(record, dict):
            continue
        keys = set(record)
        entities = record.get("entities")
        first = entities[0] if isinstance(entities, list) and entities and isinstance(entities[0], dict) else {}
        labels = record.get("labels")
        native_labels = not isinstance(labels, list) or all(isinstance(x, str) for x in labels)
        if keys <= _NATIVE_KEYS and "id" in keys and "start_offset" not in first and native_labels \
                and (first or keys & {"claims", "stances", "status", "labels"}):
            return "jsonl"
        if keys & _PRODIGY_KEYS:
            return "prodigy"
        if keys & _DOCCANO_KEYS:
            return "doccano"
        if first:
            return "doccano" if "start_offset" in first else "jsonl"
        if keys <= {"text", "meta"}:
            return "prodigy"
    if all(isinstance(r, dict) and set(r) <= _NATIVE_KEYS and "id" in r for r in records):
        return "jsonl"
    raise fail("cannot tell the format of these JSON records (give --format)", path)


# ---- reading ------------------------------------------------------------------------------

def read_all(paths: list[Path], fmt: str | None, notes: Notes, *, check: Callable[[], None] | None = None,
             doccano_offsets: str = "utf16") -> list[SourcedDocument]:
    """Every document of every path of one import, in order (``check`` is called now and then, and may
    raise to cancel). A file reached twice (the same path twice,
    a folder and a file in it, a link and its target, NAME.ann and NAME.txt) and a document id that two
    files both use are refused here, naming both places, before anything is stored."""
    plan: list[tuple[str, Path]] = []
    # A .txt file is detected as CoNLL/IOB by its content; in a folder read as plain text it
    # must be too (it was stored as a document whose text was its tags), unless --format says txt.
    sniff = fmt is None
    seen_files: dict[tuple[int, int], Path] = {}
    for path in paths:
        path_format = fmt or detect(path)
        for file in files_read(path_format, path):
            info = file.stat()
            first = seen_files.setdefault((info.st_dev, info.st_ino), file)
            if first is not file:
                same = "is given twice" if str(first) == str(file) else f"is the same file as {first}"
                raise fail(f"{same} in this import (it would make its documents twice); give it once", file)
        plan.append((path_format, path))
    taken: set[str] = set()
    items: list[SourcedDocument] = []
    first_seen: dict[str, SourcedDocument] = {}
    for path_format, path in plan:
        for item in read(path_format, path, notes, taken, doccano_offsets=doccano_offsets, sniff=sniff):
            earlier = first_seen.setdefault(item.document.id, item)
            if earlier is not item:
                where = earlier.source + (f", line {earlier.line}" if earlier.line is not None else "")
                raise InputError(f"document id {item.document.id!r} appears twice in this import (first in {where})",
                                 source=item.source, line=item.line)
            items.append(item)
            if check is not None and len(items) % 64 == 0:
                check()  # the window's cancel
    return items


def files_read(fmt: str, path: Path) -> list[Path]:
    """The files reading ``path`` in ``fmt`` opens (as the readers list them)."""
    if not path.exists():
        raise missing(path)
    if fmt == "txt":
        return plaintext.text_files(path)
    if fmt == "brat":
        return [file for pair in brat.pairs(path) for file in pair if file is not None]
    if fmt == "spacy":
        return docbin.files(path)
    return [path]


def read(fmt: str, path: Path, notes: Notes, taken: set[str], *, doccano_offsets: str = "utf16",
         sniff: bool = False) -> Iterator[SourcedDocument]:
    """The documents of a file or folder, each checked for values the store cannot keep exactly (so that
    nothing after the reader, such as --add-labels, meets a label that is a number or a NaN score)."""
    for item in _read(fmt, path, notes, taken, doccano_offsets, sniff):
        try:
            check_storable(item.document, item.annotations)
        except InputError as exc:
            raise exc.located(source=item.source or str(path),
                              line=item.lines.get(exc.annotation_id, item.line)) from None
        yield item


def _read(fmt: str, path: Path, notes: Notes, taken: set[str], doccano_offsets: str,
          sniff: bool = False) -> Iterator[SourcedDocument]:
    if fmt == "txt":
        for file in plaintext.text_files(path, notes):
            if sniff and path.is_dir() and conll.looks_like_iob(_head(file)):
                notes.add("read as CoNLL/IOB (its lines are TOKEN ... TAG), as when it is imported alone",
                          source=str(file))
                yield from conll.read_iob(file, notes)
                continue
            item = plaintext.read(file, taken)
            yield SourcedDocument(item.document, item.annotations, source=str(file))
        return
    if fmt != "brat" and path.is_dir() and fmt != "spacy":
        raise fail(f"is a folder; give the {fmt} file", path)
    if fmt == "jsonl":
        for item in native_jsonl.read(path):
            yield SourcedDocument(item.document, item.annotations, source=str(path), line=item.line)
    elif fmt == "prodigy":
        yield from prodigy.read(path, notes)
    elif fmt == "spacy":
        yield from docbin.read(path, notes)
    elif fmt == "brat":
        yield from brat.read(path, notes, taken)
    elif fmt == "conll":
        yield from conll.read_iob(path, notes)
    elif fmt == "conllu":
        yield from conll.read_conllu(path, notes)
    elif fmt == "doccano":
        yield from doccano.read(path, notes, doccano_offsets)
    elif fmt == "labelstudio":
        yield from labelstudio.read(path, notes)
    else:
        raise InputError(f"unknown format {fmt!r}")


# ---- writing ------------------------------------------------------------------------------

def writer(fmt: str, target: Path, schema=None, *, doccano_offsets: str = "utf16") -> Writer:
    """A writer for the format; ``schema`` lets the formats that need one write it beside the export
    (Label Studio's labeling config, brat's annotation.conf, spaCy's config.cfg)."""
    from . import csv_rows
    factories: dict[str, Callable[[Path], Writer]] = {
        "jsonl": lambda t: LineWriter(t, native_jsonl.dumps),
        "prodigy": lambda t: LineWriter(t, lambda item: json_record(prodigy.to_record(item), item.document.id)),
        "spacy": docbin.writer,
        "brat": lambda t: brat.Writer(t, schema),
        "conll": conll.Writer,
        "doccano": lambda t: doccano.writer(t, doccano_offsets),
        "labelstudio": lambda t: labelstudio.Writer(t, schema),
        "csv": csv_rows.writer,
    }
    if fmt not in factories:
        raise InputError(f"unknown export format {fmt!r}")
    return factories[fmt](target)


def companions(fmt: str, target: Path) -> list[Path]:
    """Files an export writes beside its target (named after it): for the client that reads it, and
    the manifest that carries the audit log's anchor (store/anchor.py)."""
    from .output import manifest_path
    beside = [manifest_path(Path(target))]
    if fmt == "labelstudio":
        return [labelstudio.config_path(Path(target)), *beside]
    if fmt == "spacy":
        return [docbin.config_path(Path(target)), *beside]
    return beside


def writes_folder(fmt: str, target: Path) -> bool:
    return fmt == "brat" or (fmt == "spacy" and Path(target).suffix != ".spacy")


def split_target(target: Path, split: str) -> Path:
    """out.jsonl -> out.train.jsonl; a folder out -> out.train."""
    suffix = target.suffix
    if suffix:
        return target.with_name(f"{target.stem}.{split}{suffix}")
    return target.with_name(f"{target.name}.{split}")
