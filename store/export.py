"""Writing output files safely: never half a file, never over an existing one unless asked."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, TextIO

from annotate.errors import InputError


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
