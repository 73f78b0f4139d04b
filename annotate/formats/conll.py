"""CoNLL-2003 / IOB token-per-line files, spaCy's sentence-per-line ``token|POS|TAG`` files, and CoNLL-U.

IOB / CoNLL-2003: the token is the first column and the tag the last; columns are separated
by tabs or spaces (or ``|`` in the sentence-per-line layout). ``-DOCSTART-`` starts a new
document; a blank line ends a sentence. IOB1, IOB2 and BILUO/IOBES tags are read (an ``I-``
that does not continue an entity of its label starts one, as in IOB1). **The text is rebuilt by
joining the tokens with single spaces, one sentence per line**: the original spacing is not
in these files, so offsets refer to that rebuilt text.

CoNLL-U: the text of each sentence is its ``# text`` comment, which is checked against the
tokens (FORM, multiword token ranges and ``SpaceAfter=No``); sentences are joined with a
newline; ``# newdoc`` starts a new document. CoNLL-U has no entities, so none are imported.

Export (``conll``): CoNLL-2003 four columns ``TOKEN _ _ TAG`` with IOB2 tags, gold entities only,
tokens cut at every entity boundary, a sentence ended at a line break except inside an entity; entities that overlap an earlier one cannot be written
in IOB and are counted in ``Writer.overlaps_left_out``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..model import ENTITY, AnnotatedDocument, Annotations, Document, Span
from .common import (Notes, SourcedDocument, ascii_number, fail, first_line_title, gold, non_overlapping, tokenize,
                     unique_id)
from .output import TextFileWriter
from .reading import read_text_file

_TAG = re.compile(r"^(O|([BIESLU])-(.+))$")


def _is_tag(value: str) -> bool:
    return bool(_TAG.match(value))


def looks_like_iob(text: str) -> bool:
    """Content sniffing: every non-blank line is TOKEN ... TAG (or -DOCSTART-), or token|POS|TAG items."""
    lines = [l for l in text.split("\n")[:200] if l.strip()]
    if not lines:
        return False
    ok = 0
    for line in lines:
        cols = line.split("\t") if "\t" in line else line.split()
        if cols[0] == "-DOCSTART-":
            ok += 1
        elif len(cols) >= 2 and _is_tag(cols[-1].strip()):
            ok += 1
        elif all("|" in item and _is_tag(item.rsplit("|", 1)[1]) for item in line.split()):
            ok += 1
    return ok >= max(2, int(0.9 * len(lines)))


def looks_like_conllu(text: str) -> bool:
    for line in text.split("\n")[:100]:
        if line.startswith("#") or not line.strip():
            continue
        return len(line.split("\t")) == 10
    return False


# ---- IOB ---------------------------------------------------------------------------------

class _Builder:
    def __init__(self, path: Path):
        self.path = path
        self.reset()

    def reset(self) -> None:
        self.sentences: list[list[tuple[str, str, int]]] = []
        self.current: list[tuple[str, str, int]] = []
        self.first_line: int | None = None

    def token(self, token: str, tag: str, number: int) -> None:
        if not _is_tag(tag):
            raise fail(f"{tag!r} is not an IOB/BILUO tag (O, B-X, I-X, L-X, U-X, E-X, S-X); "
                       f"a token line is TOKEN [COLUMNS...] TAG", self.path, number)
        label = tag[2:]
        if label.isascii() and label.isdigit():
            raise fail(f"the tag {tag} uses a numeric label id, not a label name (a doccano 1.x export); "
                       "export it again with label names", self.path, number)
        if self.first_line is None:
            self.first_line = number
        self.current.append((token, tag, number))

    def end_sentence(self) -> None:
        if self.current:
            self.sentences.append(self.current)
            self.current = []

    def document(self, doc_id: str) -> SourcedDocument | None:
        self.end_sentence()
        if not self.sentences:
            return None
        parts: list[str] = []
        spans: list[Span] = []
        lines: dict[str, int] = {}
        offset = 0
        for s_index, sentence in enumerate(self.sentences):
            if s_index:
                parts.append("\n")
                offset += 1
            open_: list = []  # [label, start, end, line]

            def close():
                if open_:
                    label, start, end, line = open_
                    span_id = f"e{len(spans) + 1}"
                    spans.append(Span(span_id, start, end, label, ENTITY))
                    lines[span_id] = line
                    open_.clear()

            for t_index, (token, tag, number) in enumerate(sentence):
                if t_index:
                    parts.append(" ")
                    offset += 1
                start, end = offset, offset + len(token)
                parts.append(token)
                offset = end
                kind, label = tag[0], tag[2:]
                if tag == "O":
                    close()
                elif kind == "B":
                    close()
                    open_[:] = [label, start, end, number]
                elif kind == "I":
                    if open_ and open_[0] == label:
                        open_[2] = end
                    else:
                        close()
                        open_[:] = [label, start, end, number]
                elif kind in "LE":
                    if not open_ or open_[0] != label:
                        raise fail(f"{tag} ends an entity that no B-{label} began", self.path, number)
                    open_[2] = end
                    close()
                else:  # U, S
                    close()
                    open_[:] = [label, start, end, number]
                    close()
            close()
        text = "".join(parts)
        meta = {"title": first_line_title(text), "source": self.path.name}
        doc = SourcedDocument(Document(doc_id, text, meta), Annotations(spans), source=str(self.path),
                              line=self.first_line, lines=lines)
        self.reset()
        return doc


def read_iob(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    text = read_text_file(path)
    builder = _Builder(path)
    docs: list[SourcedDocument] = []
    lines = text.split("\n")
    content = [l for l in lines if l.strip() and not l.startswith("-DOCSTART-")]
    per_sentence = bool(content) and all(
        "|" in item and _is_tag(item.rsplit("|", 1)[1]) for item in content[0].split())
    for number, line in enumerate(lines, 1):
        line = line.removesuffix("\r")
        if not line.strip():
            builder.end_sentence()
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        if cols[0] == "-DOCSTART-":
            doc = builder.document(f"{path.stem}-{len(docs) + 1}")
            if doc:
                docs.append(doc)
            continue
        if per_sentence:
            for item in line.split():
                pieces = item.split("|")
                if len(pieces) < 2:
                    raise fail(f"{item!r} is not TOKEN|...|TAG", path, number)
                builder.token(pieces[0], pieces[-1], number)
            builder.end_sentence()
            continue
        cols = [c.strip() for c in cols]
        if len(cols) < 2 or not cols[0]:
            raise fail("expected TOKEN [COLUMNS...] TAG on a token line", path, number)
        builder.token(cols[0], cols[-1], number)
    doc = builder.document(f"{path.stem}-{len(docs) + 1}")
    if doc:
        docs.append(doc)
    if not docs:
        raise fail("the file has no tokens", path)
    if len(docs) == 1:
        only = docs[0]
        docs = [SourcedDocument(Document(path.stem, only.document.text, only.document.meta), only.annotations,
                                source=only.source, line=only.line, lines=only.lines)]
    yield from docs


# ---- CoNLL-U -----------------------------------------------------------------------------

def read_conllu(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    text = read_text_file(path)
    docs: list[tuple[str | None, list[str], list[str], int]] = []  # (newdoc id, sentences, sent ids, line)
    doc_id: str | None = None
    sentences: list[str] = []
    sent_ids: list[str] = []
    first_line = 1
    comments: dict[str, tuple[str, int]] = {}
    words: list[str] = []
    skip_until = 0
    next_word = 1
    block_line = None

    def end_sentence(number: int):
        nonlocal words, comments, block_line, skip_until, next_word
        if block_line is None:
            return
        if skip_until >= next_word:
            raise fail(f"the sentence ends inside a multiword token: its words up to {skip_until} are missing",
                       path, number)
        rebuilt = "".join(words).rstrip(" ")
        if "text" in comments:
            stated, where = comments["text"]
            if stated != rebuilt:
                raise fail(f"# text {stated!r} is not what the tokens and SpaceAfter=No give ({rebuilt!r})",
                           path, where)
            sentences.append(stated)
        else:
            sentences.append(rebuilt)
        if "sent_id" in comments:
            sent_ids.append(comments["sent_id"][0])
        words, comments, block_line, skip_until, next_word = [], {}, None, 0, 1

    lines = text.split("\n")
    for number, raw in enumerate(lines, 1):
        line = raw.removesuffix("\r")
        if not line.strip():
            end_sentence(number)
            continue
        if block_line is None:
            block_line = number
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            key = key.strip()
            if key in ("newdoc id", "newdoc"):
                if sentences:
                    docs.append((doc_id, sentences, sent_ids, first_line))
                doc_id, sentences, sent_ids, first_line = value.strip() or None, [], [], number
            comments[key] = (value.strip() if key != "text" else value[1:] if value.startswith(" ") else value,
                             number)
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise fail(f"a CoNLL-U word line has 10 TAB-separated columns, this one has {len(cols)}", path, number)
        token_id, form, misc = cols[0], cols[1], cols[9]
        space = "" if "SpaceAfter=No" in misc.split("|") else " "
        # Word ids count 1, 2, 3... in each sentence; a range a-b (a multiword token) comes just
        # before its words a..b; an empty node i.j follows word i. Any other order is a damaged file
        # whose text could only be guessed.
        if "-" in token_id:
            first, _, last = token_id.partition("-")
            a, b = ascii_number(first), ascii_number(last)
            if a is None or b is None:
                raise fail(f"bad multiword token range {_short(token_id)!r} (word ids are written in the digits "
                           "0-9)", path, number)
            if a != next_word or b <= a or skip_until >= next_word:
                raise fail(f"the multiword token range {token_id} is out of place: the next word is "
                           f"{next_word}, and a range a-b starts there with b > a", path, number)
            words.append(form + space)
            skip_until = b
        elif "." in token_id:
            head, _, tail = token_id.partition(".")
            if ascii_number(head) != next_word - 1 or ascii_number(tail) is None or ascii_number(tail) == 0:
                raise fail(f"bad empty node id {_short(token_id)!r} (after word {next_word - 1} comes "
                           f"{next_word - 1}.1, {next_word - 1}.2..., in the digits 0-9)", path, number)
            continue  # an empty node: not in the text
        elif ascii_number(token_id) is None:
            raise fail(f"bad word id {_short(token_id)!r} (word ids are written in the digits 0-9)", path, number)
        elif ascii_number(token_id) != next_word or token_id != str(next_word):
            raise fail(f"word id {_short(token_id)!r} where {next_word} comes next (word ids count 1, 2, 3... in "
                       "each sentence)", path, number)
        elif next_word <= skip_until:
            next_word += 1
            continue
        else:
            next_word += 1
            words.append(form + space)
    end_sentence(len(lines))
    if sentences:
        docs.append((doc_id, sentences, sent_ids, first_line))
    if not docs:
        raise fail("the file has no sentences", path)
    # Real files repeat a newdoc id (the UD PUD samples start n01001 twice): each is a document of
    # its own, named apart and said so, and no name of ours takes an id the file gives.
    taken: set[str] = {newdoc for newdoc, _, _, _ in docs if newdoc is not None}
    first_given: dict[str, int] = {}
    for index, (newdoc, sents, ids, line) in enumerate(docs, 1):
        doc_text = "\n".join(sents)
        if newdoc is not None and newdoc not in first_given:
            did = newdoc
            first_given[newdoc] = line
        elif newdoc is not None:
            did = unique_id(f"{newdoc}-{index}", taken)
            notes.add(f"the document id {newdoc!r} (# newdoc id) is given again (first on line "
                      f"{first_given[newdoc]}); this document is imported as {did!r}", source=str(path), line=line)
        else:  # a name of our own, clear of the file's ids
            did = unique_id(path.stem if len(docs) == 1 else f"{path.stem}-{index}", taken)
        meta = {"title": first_line_title(doc_text), "source": path.name, "sent_ids": ids}
        yield SourcedDocument(Document(did, doc_text, meta), Annotations(), source=str(path), line=line)


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


# ---- writing -----------------------------------------------------------------------------

class Writer(TextFileWriter):
    """CoNLL-2003: -DOCSTART- per document, TOKEN _ _ TAG, IOB2, a blank line between sentences."""

    overlaps_left_out = 0

    def add(self, item: AnnotatedDocument) -> None:
        text = item.document.text
        entities, rest = non_overlapping(s for s in gold(item.annotations.spans) if s.layer == ENTITY)
        self.overlaps_left_out += len(rest)
        cuts = set()
        for span in entities:
            cuts.update((span.start, span.end))
        tokens = tokenize(text, cuts)
        out = self.out
        out.write("-DOCSTART- -X- -X- O\n\n")
        index = 0
        previous_end = None
        for start, end in tokens:
            while index < len(entities) and entities[index].end <= start:
                index += 1
            inside = index < len(entities) and entities[index].start < start < entities[index].end
            # A line break inside an entity does not end the sentence: cut there, the entity would be two.
            if previous_end is not None and "\n" in text[previous_end:start] and not inside:
                out.write("\n")
            tag = "O"
            if index < len(entities) and entities[index].start <= start and end <= entities[index].end:
                span = entities[index]
                tag = ("B-" if start == span.start else "I-") + span.label.replace(" ", "_")
            out.write(f"{text[start:end]} _ _ {tag}\n")
            previous_end = end
        out.write("\n")
        self.count += 1
