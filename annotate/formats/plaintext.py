"""Plain text files: one document per file, the text kept exactly as written."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..errors import InputError
from ..model import AnnotatedDocument, Document
from .common import unique_id
from .folders import list_files
from .reading import read_text_file

TEXT_SUFFIXES = {".txt", ".text"}


def text_files(path: Path, notes=None) -> list[Path]:
    """The text files a path names: the file itself, or the .txt files under a folder (whose other
    files are reported in ``notes``)."""
    if path.is_dir():
        listing = list_files(path, tuple(TEXT_SUFFIXES))
        if notes is not None:
            listing.note_other(notes, path, "text files (.txt, .text)")
        files = listing.files
        if not files:
            raise InputError("the folder has no .txt files" + _what_instead(path, listing.other), source=str(path))
        return files
    if not path.exists():
        raise InputError("no such file or folder", source=str(path))
    return [path]


def _what_instead(folder: Path, other: list[Path]) -> str:
    """A folder is read as plain text (or brat, or .spacy files): when it holds files of another
    format, say which and how to import them, rather than only that no .txt file was found."""
    counts = Counter(p.suffix.lower() for p in other if p.suffix and p.is_file())
    if not counts:
        return ""
    most = counts.most_common(1)[0][0]
    return (f" (a folder is read as plain text, brat or .spacy files; it holds {sum(counts.values())} file(s) "
            f"of {', '.join(sorted(counts))}: give those files by name, such as {folder / ('*' + most)})")


def document_id_for(path: Path, taken: set[str]) -> str:
    return unique_id(re.sub(r"[^\w.\-]+", "-", path.stem).strip("-") or "document", taken)


def read(path: Path, taken: set[str]) -> AnnotatedDocument:
    text = read_text_file(path)
    if not text.strip():
        raise InputError("the file has only white space", source=str(path))
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return AnnotatedDocument(Document(document_id_for(path, taken), text, {"title": title[:200], "source": path.name}))
