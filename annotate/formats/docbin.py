"""spaCy DocBin (``.spacy``): entities in ``doc.ents``, claims in ``doc.spans["claims"]``. Offsets are code points.

Entity groups travel as the mentions' ``kb_id`` (and a ``kb_id`` read in is a group: the same
id, the same actor). Export writes gold annotations only, as training data: ``doc.ents`` holds
the entities that do not overlap (earliest, then longest first); the entities that overlap them go to
``doc.spans["entities"]`` so nothing is lost; claims go to ``doc.spans["claims"]``. Relations,
stances, claim details, ids and meta travel in ``doc.user_data["marginalia"]`` so that an import
of our own export gives back the same annotations. Tokens are cut at every span boundary, and
the text of every Doc is the document text exactly.

A ``.spacy`` target is one file; a folder target gets shards of ``SHARD_SIZE`` documents
(``part-00000.spacy`` ...), each written as soon as it is full, so memory stays constant;
``spacy train`` reads a folder of ``.spacy`` files as one corpus.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import CLAIM, ENTITY, MANUAL, AnnotatedDocument, Annotations, Cluster, Document, Relation, Span, Stance
from .common import Notes, SourcedDocument, fail, first_line_title, gold_view, non_overlapping, span_boundaries
from .folders import list_files
from .landing import temp_beside
from .output import FolderWriter, Writer
from .reading import refuse_devices

SHARD_SIZE = 1000
#: the language whose tokenizer cuts the text (news in English); the config.cfg beside the export says the same
LANG = "en"
CLAIMS_KEY = "claims"
OVERLAP_KEY = "entities"


@lru_cache(maxsize=1)
def _vocab():
    import spacy
    return spacy.blank("xx").vocab


def files(path: Path, notes: Notes | None = None) -> list[Path]:
    if path.is_dir():
        listing = list_files(path, (".spacy",))
        if notes is not None:
            listing.note_other(notes, path, ".spacy files")
        if not listing.files:
            raise fail("the folder has no .spacy files", path)
        return listing.files
    return [path]


def read(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    for file in files(path, notes):
        yield from _read_file(file)


def _read_file(path: Path) -> Iterator[SourcedDocument]:
    from spacy.tokens import DocBin
    refuse_devices(path)
    try:
        data = path.read_bytes()
        bin_ = DocBin(store_user_data=True).from_bytes(data)
        docs = list(bin_.get_docs(_vocab()))
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror}", path) from None
    except Exception as exc:  # zlib, msgpack or spaCy errors: not a DocBin
        raise fail(f"not a spaCy DocBin file ({type(exc).__name__}: {exc})", path) from None
    seen: set[str] = set()
    for index, doc in enumerate(docs, 1):
        try:
            item = _from_doc(doc, f"{path.stem}-{index}")
        except InputError as exc:
            raise InputError(f"doc {index}: {exc.reason}", source=str(path)) from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            # user_data["marginalia"] is whatever the file holds: a damaged one is refused, not a crash.
            raise InputError(f"doc {index}: its Marginalia data (user_data) is damaged ({type(exc).__name__}: "
                             f"{exc})", source=str(path)) from None
        if item.document.id in seen:
            raise fail(f"doc {index}: document id {item.document.id!r} appears twice", path)
        seen.add(item.document.id)
        item.source = f"{path}, doc {index}"
        yield item


def _from_doc(doc, default_id: str) -> SourcedDocument:
    own = doc.user_data.get("marginalia") if isinstance(doc.user_data, dict) else None
    own = own if isinstance(own, dict) else {}
    text = doc.text
    if not text:
        raise InputError("the Doc has no text")
    if "\x00" in text:
        raise InputError(f"its text holds a NUL character (U+0000) at offset {text.index(chr(0))}, which no "
                         "text contains (a damaged feed); remove it")
    doc_id = str(own.get("id") or default_id)
    meta = own.get("meta") if isinstance(own.get("meta"), dict) else {"title": first_line_title(text)}
    ids = {tuple(k[:4]): k[4] for k in own.get("span_ids") or [] if isinstance(k, (list, tuple)) and len(k) == 5
           and isinstance(k[4], str) and k[4]}
    claims_info = {k[0]: k[1] for k in own.get("claims") or [] if isinstance(k, (list, tuple)) and len(k) == 2}
    spans: list[Span] = []
    used: set[str] = set()

    def add(layer: str, start: int, end: int, label: str, attrs: dict, kb_id: str = "") -> None:
        key = (layer, start, end, label)
        span_id = ids.get(key) if all(isinstance(x, (str, int)) for x in key) else None
        if span_id is None or span_id in used:
            span_id = f"{'e' if layer == ENTITY else 'c'}{len(spans) + 1}"
            while span_id in used:
                span_id += "x"
        used.add(span_id)
        # A knowledge-base id names the entity a mention refers to: the same id, the same actor.
        span = Span(span_id, start, end, label, layer, decision=MANUAL, attrs=attrs,
                    cluster=kb_id if layer == ENTITY and kb_id else None)
        if layer == CLAIM:
            info = claims_info.get(span_id) or {}
            info = info if isinstance(info, dict) else {}
            text_or_none = lambda v: v if isinstance(v, str) else None  # noqa: E731
            span.claim_type = text_or_none(info.get("type"))
            span.checkworthy = info.get("checkworthy") if isinstance(info.get("checkworthy"), bool) else None
            span.claimant = text_or_none(info.get("claimant"))
            span.claimant_text = text_or_none(info.get("claimant_text"))
        spans.append(span)

    for ent in doc.ents:
        add(ENTITY, ent.start_char, ent.end_char, ent.label_, {}, ent.kb_id_)
    for key, group in doc.spans.items():
        for span in group:
            if key == CLAIMS_KEY:
                add(CLAIM, span.start_char, span.end_char, "CLAIM", {})
            elif key == OVERLAP_KEY:
                add(ENTITY, span.start_char, span.end_char, span.label_, {}, span.kb_id_)
            else:
                add(ENTITY, span.start_char, span.end_char, span.label_, {"spans_key": key}, span.kb_id_)
    known = {s.id for s in spans}
    # user_data is whatever the file holds: only well-formed entries (ids and labels as strings) are read.
    relations = [Relation(r[0], r[1], r[2], r[3]) for r in own.get("relations") or []
                 if isinstance(r, (list, tuple)) and len(r) == 4 and all(isinstance(x, str) for x in r)
                 and r[1] in known and r[2] in known]
    stances = [Stance(s[0], s[1], s[2], s[3], s[4]) for s in own.get("stances") or []
               if isinstance(s, (list, tuple)) and len(s) == 5 and all(isinstance(x, str) for x in s[:4])
               and (s[4] is None or isinstance(s[4], str)) and s[1] in known and s[2] in known]
    for span in spans:
        if span.claimant is not None and span.claimant not in known:
            span.claimant = None
    grouped: dict[str, int] = {}
    for span in spans:
        if span.cluster:
            grouped[span.cluster] = grouped.get(span.cluster, 0) + 1
    for span in spans:  # one mention with an id of its own is no group
        if span.cluster and grouped[span.cluster] < 2:
            span.cluster = None
    clusters = [Cluster(group) for group, count in grouped.items() if count >= 2]
    return SourcedDocument(Document(doc_id, text, meta), Annotations(spans, stances, relations, clusters=clusters))


# ---- writing ------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _tokenizer(lang: str):
    import spacy
    return spacy.blank(lang)


def make_doc(text: str, cuts: set[int], lang: str = LANG):
    """A spaCy Doc whose text is exactly ``text``, tokenized by spaCy's own tokenizer for the
    language (so that ``spacy train`` and ``debug data``, which tokenize the text again, find every
    entity on token boundaries), with a token split only where a span boundary falls inside one of
    spaCy's tokens (there ``debug data`` reports it as misaligned, which it is)."""
    from spacy.tokens import Doc
    nlp = _tokenizer(lang)
    words: list[str] = []
    spaces: list[bool] = []
    inner = sorted(cuts)
    import bisect
    for token in nlp.make_doc(text):
        start, end = token.idx, token.idx + len(token.text)
        points = [start, *inner[bisect.bisect_right(inner, start):bisect.bisect_left(inner, end)], end]
        for a, b in zip(points, points[1:]):
            words.append(text[a:b])
            spaces.append(False)
        spaces[-1] = bool(token.whitespace_)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    assert doc.text == text, "token rebuild changed the text"
    return doc


def to_doc(item: AnnotatedDocument):
    from spacy.tokens import SpanGroup
    source = item.document
    ann = gold_view(item.annotations)
    entities = [s for s in ann.spans if s.layer == ENTITY]
    claims = [s for s in ann.spans if s.layer == CLAIM]
    doc = make_doc(source.text, span_boundaries(ann.spans))

    groups_kept = {c.id for c in ann.clusters}

    def char_span(span: Span):
        # An entity group travels as the knowledge-base id of its mentions.
        kb_id = span.cluster if span.cluster in groups_kept else ""
        label = span.label if span.layer == ENTITY else "CLAIM"
        out = doc.char_span(span.start, span.end, label=label, kb_id=kb_id)
        if out is None:
            # White space at an edge (doccano and Label Studio let a person drag " Haftar"): spaCy
            # keeps a single space in the token before it, never in a token of its own, and its
            # `debug data` calls such an entity an error anyway; the words inside are the entity.
            core = source.text[span.start:span.end]
            start = span.start + len(core) - len(core.lstrip())
            end = span.end - (len(core) - len(core.rstrip()))
            out = doc.char_span(start, end, label=label, kb_id=kb_id) if start < end else None
        if out is None:
            raise InputError(f"document {source.id!r}: {span.layer} {span.id!r} does not align with the tokens")
        return out

    in_ents, rest = non_overlapping(s for s in entities if "spans_key" not in s.attrs)
    doc.ents = [char_span(s) for s in in_ents]
    groups: dict[str, list] = {}
    for span in rest:
        groups.setdefault(OVERLAP_KEY, []).append(char_span(span))
    for span in entities:
        if "spans_key" in span.attrs:
            groups.setdefault(str(span.attrs["spans_key"]), []).append(char_span(span))
    if claims:
        groups[CLAIMS_KEY] = [char_span(s) for s in claims]
    for key, spans in groups.items():
        doc.spans[key] = SpanGroup(doc, name=key, spans=spans)
    doc.user_data["marginalia"] = {
        "id": source.id,
        "meta": _plain(source.meta),
        "span_ids": [[s.layer, s.start, s.end, s.label, s.id] for s in ann.spans],
        "claims": [[s.id, {"type": s.claim_type, "checkworthy": s.checkworthy, "claimant": s.claimant,
                           "claimant_text": s.claimant_text}] for s in claims],
        "relations": [[r.id, r.head, r.tail, r.label] for r in ann.relations],
        "stances": [[s.id, s.holder, s.target, s.polarity, s.evidence] for s in ann.stances],
    }
    return doc


def config_path(target: Path) -> Path:
    """Where the training config goes beside an export: out.spacy -> out.config.cfg, a folder shards -> shards.config.cfg."""
    target = Path(target)
    return target.with_name(f"{target.stem if target.suffix == '.spacy' else target.name}.config.cfg")


def training_config(train: Path, dev: Path, *, claims: bool) -> str:
    """A config.cfg for ``spacy train``, as ``spacy init config`` writes it (English, CPU, efficiency):
    ner for the entities, and spancat on ``doc.spans["claims"]`` when the export has claims."""
    from spacy.cli.init_config import init_config
    config = init_config(lang=LANG, pipeline=["ner", "spancat"] if claims else ["ner"], optimize="efficiency",
                         gpu=False, silent=True)
    config["paths"]["train"] = str(Path(train).resolve())
    config["paths"]["dev"] = str(Path(dev).resolve())
    if claims:
        default_key = config["components"]["spancat"]["spans_key"]
        config["components"]["spancat"]["spans_key"] = CLAIMS_KEY
        weights = config["training"]["score_weights"]
        config["training"]["score_weights"] = {k.replace(f"spans_{default_key}_", f"spans_{CLAIMS_KEY}_"): v
                                               for k, v in weights.items()}
    return config.to_str()


def _plain(value: Any) -> Any:
    """JSON-like values only (msgpack cannot take everything json can, e.g. huge ints)."""
    import json
    return json.loads(json.dumps(value))


class FileWriter(Writer):
    """One .spacy file (the whole DocBin is built in memory; use a folder for large corpora)."""

    def __init__(self, target: Path):
        from spacy.tokens import DocBin
        self.target = Path(target)
        self.bin = DocBin(store_user_data=True)
        self.count = 0

    claims = 0

    def add(self, item: AnnotatedDocument) -> None:
        doc = to_doc(item)
        self.claims += len(doc.spans[CLAIMS_KEY]) if CLAIMS_KEY in doc.spans else 0
        self.bin.add(doc)
        self.count += 1

    def close(self) -> int:
        tmp = temp_beside(self.target)
        try:
            with open(tmp, "wb") as out:
                out.write(self.bin.to_bytes())
                out.flush()
                os.fsync(out.fileno())
            self._land(tmp, self.target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.count

    def abort(self) -> None:
        self.bin = None


class ShardWriter(FolderWriter):
    """A folder of .spacy shards of SHARD_SIZE documents each, flushed as they fill."""

    def __init__(self, target: Path, shard_size: int | None = None):
        super().__init__(target)
        from spacy.tokens import DocBin
        self._DocBin = DocBin
        self.shard_size = shard_size or SHARD_SIZE
        self.shard = DocBin(store_user_data=True)
        self.shards = 0

    claims = 0

    def add(self, item: AnnotatedDocument) -> None:
        doc = to_doc(item)
        self.claims += len(doc.spans[CLAIMS_KEY]) if CLAIMS_KEY in doc.spans else 0
        self.shard.add(doc)
        self.count += 1
        if len(self.shard) >= self.shard_size:
            self._flush()

    def _flush(self) -> None:
        if len(self.shard):
            self.shard.to_disk(self.tmp / f"part-{self.shards:05d}.spacy")
            self.shards += 1
            self.shard = self._DocBin(store_user_data=True)

    def close(self) -> int:
        self._flush()
        return super().close()


def writer(target: Path) -> Writer:
    if str(target) == "-":
        raise InputError("a .spacy file is binary; give a file or folder name, not '-'")
    return FileWriter(target) if Path(target).suffix == ".spacy" else ShardWriter(target)
