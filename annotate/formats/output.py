"""Streaming writers that never leave half a file: write beside the target, move into place at the end."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from ..model import AnnotatedDocument
from .landing import Landing, land, temp_beside


def json_record(record: Any, doc_id: str) -> str:
    """One document as strict JSON: a NaN or Infinity (only an older version could have stored one)
    is refused, naming the document, rather than written as a token no JSON reader accepts."""
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise InputError(f"document {doc_id!r} holds a number JSON cannot carry (NaN, Infinity or an integer of "
                         "more than 4,300 digits), stored by an earlier version of Marginalia; nothing was "
                         "written") from None


def check_target(target: Path, *, force: bool, folder: bool = False) -> None:
    if str(target) == "-":
        return
    if folder and target.is_symlink() and os.path.isdir(target):
        # A folder output is replaced whole: through a link that would be the user's own folder.
        raise InputError(f"is a symlink to the folder {os.readlink(target)}; give a new folder name (or the "
                         "folder itself with --force); nothing was written", source=str(target))
    if target.exists() and not force:
        raise InputError("already exists; pass --force to overwrite it", source=str(target))
    if target.exists() and folder and target.is_dir():
        unexpected = [p.name for p in target.iterdir() if p.suffix not in (".txt", ".ann", ".spacy", ".conf", ".cfg")]
        if unexpected:
            raise InputError(f"is a folder with other files in it ({unexpected[0]}); give a new folder name",
                             source=str(target))
    elif target.is_dir():
        raise InputError("is a folder; give a file name", source=str(target))


class Writer:
    """Base: add documents one at a time, then close() (commit) or abort() (leave nothing).

    close() puts the output in place at once, or, when the writer has a ``landing`` (an export of
    several files), hands it over to be put in place with the others (see landing.py)."""

    count = 0
    landing: Landing | None = None

    def _land(self, tmp: Path, target: Path) -> None:
        if self.landing is not None:
            self.landing.add(tmp, target)
        else:
            land(tmp, target)

    def add(self, item: AnnotatedDocument) -> None:
        raise NotImplementedError

    def close(self) -> int:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class TextFileWriter(Writer):
    """A text file written through a temporary file beside the target; '-' writes to stdout."""

    def __init__(self, target: Path, *, binary: bool = False):
        self.target = Path(target)
        self.count = 0
        self._stdout = str(target) == "-"
        if self._stdout:
            self.out: Any = sys.stdout.buffer if binary else sys.stdout
            return
        self.tmp = temp_beside(self.target)
        self.out = open(self.tmp, "wb") if binary else open(self.tmp, "w", encoding="utf-8", newline="")
        self.begin()

    def begin(self) -> None:
        pass

    def end(self) -> None:
        pass

    def close(self) -> int:
        self.end()
        if self._stdout:
            self.out.flush()
            return self.count
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        self._land(self.tmp, self.target)
        return self.count

    def abort(self) -> None:
        if not self._stdout:
            self.out.close()
            Path(self.tmp).unlink(missing_ok=True)


class LineWriter(TextFileWriter):
    """One line per document, from a function that turns a document into its line."""

    def __init__(self, target: Path, dumps: Callable[[AnnotatedDocument], str]):
        self.dumps = dumps
        super().__init__(target)

    def add(self, item: AnnotatedDocument) -> None:
        self.add_line(self.dumps(item))

    def add_line(self, line: str) -> None:
        """A line already serialised (the native export's SQL fast path)."""
        # Three substring tests: a regex character class took 8x as long on the export's lines
        # (0.24 of its 1.6 s for 50,000 documents).
        if "\u2028" in line or "\u2029" in line or "\x85" in line:
            # Valid inside a JSON string, but a line break to str.splitlines and other readers that
            # split on Unicode's line breaks: escaped, so every reader sees one record per line.
            line = line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        self.out.write(line)
        self.out.write("\n")
        self.count += 1


class FolderWriter(Writer):
    """A folder of files, built in a temporary folder beside the target and moved into place."""

    def __init__(self, target: Path):
        if str(target) == "-":
            raise InputError("this format writes a folder; give a folder name, not '-'")
        self.target = Path(target)
        self.count = 0
        self.tmp = temp_beside(self.target, folder=True)

    def close(self) -> int:
        # The target is replaced in one step (never gone, never half old): see landing.py.
        self._land(self.tmp, self.target)
        return self.count

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_all(writer: Writer, items) -> int:
    try:
        for item in items:
            writer.add(item)
    except BaseException:
        writer.abort()
        raise
    return writer.close()



def manifest_path(out: Path) -> Path:
    """Where an export's manifest goes (store/anchor.py writes it): beside ``--out``, file or folder."""
    out = Path(out)
    return out.with_name(out.name + ".manifest.json")


def write_beside(target: Path, text: str, landing: Landing | None = None) -> None:
    """A small companion file (a config beside an export), written whole or not at all; with a
    ``landing``, it is put in place together with the outputs it belongs to."""
    tmp = temp_beside(Path(target))
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if landing is not None:
            landing.add(tmp, Path(target))
        else:
            land(tmp, Path(target))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
