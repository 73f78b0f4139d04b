"""Paths a command may write or read: never the database it works on, nor the files SQLite keeps beside it.

``export --db x.db --out x.db --force`` once replaced the live database with JSONL. Every output
of every command (and every input an import reads outside SQLite) is compared with the database
and its companions (``-wal``, ``-shm``, ``-journal``) as files, not as names: through symlinks
(SQLite itself follows a symlinked database and keeps its companions beside the real file) and
hard links (another name for the same inode), and a folder output that holds one of them is
refused too (a forced export or a training run replaces the whole folder). Only ``os.stat`` is
used: opening a live database file outside SQLite and closing it drops SQLite's locks.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable

from .errors import InputError

COMPANIONS = ("", "-wal", "-shm", "-journal")


def database_files(db: Path | str) -> list[Path]:
    """The database and its companions, under the name given and under the real path it resolves to."""
    names = {str(db), os.path.realpath(db)}
    return [Path(name + suffix) for name in sorted(names) for suffix in COMPANIONS]


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def same_file(a: Path | str, b: Path | str) -> bool:
    """The same file: the same inode when both exist (symlinks followed, hard links included), else the
    same real path (a name that does not exist yet, or a dangling symlink to it)."""
    ia, ib = _identity(a), _identity(b)
    if ia is not None and ib is not None:
        return ia == ib
    return os.path.realpath(a) == os.path.realpath(b)


def _inside(folder: Path | str, path: Path | str) -> bool:
    folder, path = os.path.realpath(folder), os.path.realpath(path)
    return path != folder and os.path.commonpath([folder, path]) == folder


def database_file_at(path: Path | str, db: Path | str, *, folder: bool = False) -> Path | None:
    """The file of the database that ``path`` is (or, for a folder, holds), or None."""
    for candidate in database_files(db):
        if same_file(path, candidate):
            return candidate
        if folder and os.path.isdir(path) and _inside(path, candidate) and os.path.lexists(candidate):
            return candidate
    return None


def refuse_database_paths(db: Path | str, outputs: Iterable[tuple[str, Path]] = (),
                          inputs: Iterable[Path] = ()) -> None:
    """InputError when an output (``(option, path)``) or an input is the database or one of its companions."""
    for option, path in outputs:
        if str(path) == "-":
            if _stdout_is_database(db):
                raise InputError(f"{option} -: standard output is the database file {db}; writing there would "
                                 "destroy it (redirect to another file)")
            continue
        hit = database_file_at(path, db, folder=True)
        if hit is not None:
            holds = "holds" if os.path.isdir(path) and not same_file(path, hit) else "is"
            raise InputError(f"{option} {holds} {_which(hit, db)}; writing there would destroy it; give another "
                             "path", source=str(path))
    for path in inputs:
        hit = database_file_at(path, db)
        if hit is not None:
            raise InputError(f"is {_which(hit, db)} that this command writes to; it cannot also be read as an "
                             "input", source=str(path))


def _which(hit: Path, db: Path | str) -> str:
    suffix = next((s for s in COMPANIONS[1:] if str(hit).endswith(s)), "")
    return f"the database {db}" + (f" (its {suffix} file, {hit.name})" if suffix else "")


def _stdout_is_database(db: Path | str) -> bool:
    try:
        out = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's StringIO)
        return False
    return any(_identity(candidate) == (out.st_dev, out.st_ino) for candidate in database_files(db))


def command_paths(args) -> tuple[list[tuple[str, Path]], list[Path], Path | None]:
    """(outputs, inputs, database) of a parsed command line: what ``refuse_database_paths`` checks."""
    command = args.command
    db = getattr(args, "into", None) if command == "merge" else args.db
    outputs: list[tuple[str, Path]] = []
    if command in ("export", "screenshot", "train") and getattr(args, "out", None) is not None:
        outputs.append(("--out", args.out))
        if command == "export" and str(args.out) != "-":
            from .formats.output import manifest_path
            outputs.append(("--out (its manifest)", manifest_path(Path(args.out))))
        if command == "export" and getattr(args, "split", None) and str(args.out) != "-":
            from .formats.registry import split_target
            for piece in str(args.split).split(","):
                name = piece.partition("=")[0].strip()
                if name and "/" not in name and "\0" not in name:  # a bad name is refused by the export
                    outputs.append(("--out (its --split file)", split_target(Path(args.out), name)))
    if command == "evaluate" and getattr(args, "plot", None) is not None:
        outputs.append(("--plot", args.plot))
    inputs = list(getattr(args, "paths", None) or []) if command == "import" else []
    if command == "merge":
        inputs = list(args.sources)
    return outputs, inputs, db if isinstance(db, (str, Path)) else None
