"""Outputs that land whole and together: a file, a folder, or a set of them (split files, a config beside).

Each output is written at a temporary name beside its target (same folder, so the final move is a
rename, never a copy), named ``.TARGET.PID.RANDOM.part`` so that what a killed run leaves is
recognisably its own and is removed by the next run once that process is gone.

Putting outputs in place:

- one file: ``rename`` replaces it atomically; readers see the old file or the new one.
- one folder over an existing one: ``renameat2(RENAME_EXCHANGE)`` swaps the two atomically, then
  the old one (now at the temporary name) is removed; the target is never missing. Where the file
  system cannot exchange, the old folder is moved aside first, under a journal (below).
- several outputs: no file system replaces several names at once, so the set lands under a
  journal. Every new output is complete and synced first; then ``.TARGET.landing`` (JSON: each
  target, its temporary name and the inode of the new output) is written and synced; then the
  outputs are moved into place; then the journal is removed. A run killed between two renames
  leaves the journal, and the next export or training run into that folder (or
  :func:`recover` directly) finishes the moves it names: the set ends new and whole, never a new
  ``train`` beside an old ``dev``. Which outputs are already in place is read from the inodes, so
  finishing twice is harmless.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import secrets
import shutil
from pathlib import Path

JOURNAL_SUFFIX = ".landing"
_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.part$")


# ---- temporary names beside the target ------------------------------------------------------

def temp_beside(target: Path, *, folder: bool = False) -> Path:
    """A new, empty temporary file or folder beside ``target``, named for this process."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep(target)
    while True:
        path = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
        try:
            if folder:
                path.mkdir(mode=0o755)
            else:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return path
        except FileExistsError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep(target: Path) -> None:
    """Finish a landing a killed run left in ``target``'s folder, and remove the temporary outputs
    (``.NAME.PID.RANDOM.part``) of runs that are gone; a live run's are left alone."""
    folder = Path(target).parent
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.endswith(JOURNAL_SUFFIX) and name.startswith("."):
            recover(folder / name)
    for name in os.listdir(folder):
        match = _PART.match(name)
        if match and not _alive(int(match.group("pid"))):
            _remove(folder / name)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# ---- moving into place ------------------------------------------------------------------------

def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


_RENAMEAT2 = _renameat2()
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically (Linux renameat2); False where the system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot
        return False
    raise OSError(error, os.strerror(error), str(b))


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except OSError:
        return None


def _put_in_place(tmp: Path, target: Path, new_inode: int) -> None:
    """Move the new output at ``tmp`` to ``target`` (once: a second call finds it done)."""
    if _inode(target) == new_inode:  # already in place; whatever is at tmp is the old output
        if os.path.lexists(tmp):
            _remove(tmp)
        return
    if _inode(tmp) != new_inode:
        return  # neither place holds it: nothing this journal can finish
    if tmp.is_dir() and not tmp.is_symlink() and target.is_dir() and not target.is_symlink():
        if exchange(tmp, target):
            _remove(tmp)  # the old folder, now at the temporary name
            return
        aside = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
        os.rename(target, aside)  # under the journal: a kill here is finished by recover()
        os.rename(tmp, target)
        _remove(aside)
        return
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)  # a folder where a file now goes (--force over a folder of shards)
    os.replace(tmp, target)


class Landing:
    """Outputs written beside their targets, put in place together by :meth:`commit`."""

    def __init__(self):
        self.pending: list[tuple[Path, Path]] = []

    def add(self, tmp: Path, target: Path) -> None:
        self.pending.append((Path(tmp), Path(target)))

    def abort(self) -> None:
        for tmp, _ in self.pending:
            _remove(tmp)
        self.pending = []

    def commit(self) -> None:
        entries = [(tmp, target, _inode(tmp)) for tmp, target in self.pending]
        self.pending = []
        if not entries:
            return
        needs_journal = len(entries) > 1 or (entries[0][0].is_dir() and entries[0][1].exists()
                                             and _RENAMEAT2 is None)
        journal = None
        if needs_journal:
            first = entries[0][1]
            journal = first.with_name(f".{first.name}{JOURNAL_SUFFIX}")
            body = json.dumps({"pid": os.getpid(), "outputs": [
                {"tmp": str(tmp.resolve()), "target": str(target.resolve()), "inode": inode}
                for tmp, target, inode in entries]})
            staging = first.with_name(f".{first.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
            with open(staging, "w", encoding="utf-8") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(staging, journal)  # the journal appears whole or not at all
            _sync_folder(journal.parent)
        for tmp, target, inode in entries:
            _put_in_place(tmp, target, inode)
        for folder in {target.parent for _, target, _ in entries}:
            _sync_folder(folder)
        if journal is not None:
            journal.unlink(missing_ok=True)
            _sync_folder(journal.parent)


def land(tmp: Path, target: Path) -> None:
    """One output into place (see the module's notes)."""
    landing = Landing()
    landing.add(tmp, target)
    landing.commit()


def recover(journal: Path) -> None:
    """Finish the moves a killed run's journal names (a journal of a live run is left alone)."""
    try:
        data = json.loads(Path(journal).read_text(encoding="utf-8"))
        pid = int(data["pid"])
        outputs = [(Path(o["tmp"]), Path(o["target"]), int(o["inode"])) for o in data["outputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return  # not a journal of ours
    if _alive(pid):
        return
    for tmp, target, inode in outputs:
        _put_in_place(tmp, target, inode)
    Path(journal).unlink(missing_ok=True)
