"""Walking a folder an import was given, without losing anything silently.

``Path.rglob`` skips a sub-folder it may not read, a dangling symlink and every file of another
kind without a word, and an import then reports success over part of what the user meant.
Here a sub-folder that cannot be read and a symlink to nothing refuse the import (naming them),
symlinked sub-folders are followed once (a loop is not walked twice), and the files of other
kinds are listed for the import to report.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

#: brat's configuration files live beside the documents; they hold no documents.
BRAT_CONFIG = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf"}


@dataclass
class Listing:
    files: list[Path] = field(default_factory=list)
    #: Files of other kinds, which the import reads nothing from.
    other: list[Path] = field(default_factory=list)

    def note_other(self, notes, folder: Path, kinds: str) -> None:
        """Report the files left out, by name (a few), so that nothing is skipped without a word."""
        if not self.other:
            return
        config = [p for p in self.other if p.name in BRAT_CONFIG]
        rest = [p for p in self.other if p.name not in BRAT_CONFIG]
        if config:
            notes.add(f"not read (brat configuration, no documents): {', '.join(p.name for p in config[:5])}",
                      source=str(folder))
        if rest:
            shown = ", ".join(str(p.relative_to(folder)) if p.is_relative_to(folder) else str(p) for p in rest[:5])
            more = f" and {len(rest) - 5} more" if len(rest) > 5 else ""
            notes.add(f"not read: {len(rest)} file(s) that are not {kinds}: {shown}{more}", source=str(folder))


def missing(path: Path) -> InputError:
    """The refusal for a path that leads to no file: a dangling symlink is named as one."""
    if os.path.islink(path):
        return InputError(f"is a symlink to {os.readlink(path)}, which leads to no file (missing, or a loop of "
                          "links); nothing was imported (remove the link or restore its file)", source=str(path))
    return InputError("no such file or folder", source=str(path))


def list_files(folder: Path, suffixes: tuple[str, ...]) -> Listing:
    """Every file under ``folder`` whose name ends with one of ``suffixes`` (case-insensitive), sorted;
    InputError for a sub-folder that cannot be read or a symlink whose target is missing."""
    listing = Listing()
    visited: set[tuple[int, int]] = set()

    def refuse(error: OSError) -> None:
        raise InputError(f"cannot read this folder ({error.strerror}); nothing was imported (give it read "
                         "permission, or leave it out)", source=str(error.filename or folder))

    for root, dirs, names in os.walk(folder, onerror=refuse, followlinks=True):
        here = Path(root)
        try:
            info = os.stat(here)
        except OSError as exc:
            refuse(exc)
        if (info.st_dev, info.st_ino) in visited:  # a symlink loop, or two links to one folder
            dirs[:] = []
            continue
        visited.add((info.st_dev, info.st_ino))
        dirs.sort()
        for name in sorted(names):
            path = here / name
            if not os.path.exists(path):
                raise missing(path)
            if not path.is_file():
                listing.other.append(path)
            elif name.lower().endswith(suffixes):
                listing.files.append(path)
            else:
                listing.other.append(path)
    listing.files.sort()
    return listing
