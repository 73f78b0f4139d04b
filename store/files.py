"""Database files handled whole: one created whole or not at all, one read leaving nothing beside it.

Both keep to the rule in store/database.py: no descriptor of a database this process may hold a
connection to is opened outside SQLite. The temporary file ``created_whole`` makes is new (made
with O_EXCL by mkstemp), so no connection of ours can have it open when it is closed or removed.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from typing import Callable, Iterator, TypeVar

from annotate.errors import StoreError

from .database import _identity, close_database, open_database, read_snapshot, resolve

T = TypeVar("T")
_COMPANIONS = ("-wal", "-shm", "-journal")


@contextlib.contextmanager
def created_whole(path: str | os.PathLike) -> Iterator[str]:
    """The path to open for a command that may create the database (an import).

    When ``path`` exists, it is that path. When it does not, the database is built at a hidden
    temporary name beside it (private, as every database) and takes the name ``path`` only when
    the block has succeeded and closed it, so a refused import leaves no new file behind, and a
    killed one only a hidden ``.NAME.*.new`` file. Another program creating ``path`` meanwhile
    keeps its file: the import is then refused, nothing written to either.
    """
    real = resolve(path)
    if os.path.exists(real):
        yield os.fspath(path)
        return
    folder = os.path.dirname(os.path.abspath(real))
    os.makedirs(folder, exist_ok=True)
    fd, building = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".new", dir=folder)
    os.close(fd)
    try:
        yield building
        try:
            os.link(building, real)  # fails if the name was taken meanwhile: never replaces a file
        except FileExistsError:
            raise StoreError(f"{path}: was created by another program while this import ran; nothing was written "
                             "to it; run the import again") from None
        except OSError:
            # A file system without hard links (FAT, some network shares): a rename, after a
            # last look that the name is still free.
            if os.path.lexists(real):
                raise StoreError(f"{path}: was created by another program while this import ran; nothing was "
                                 "written to it; run the import again") from None
            os.rename(building, real)
    finally:
        # The block closed its store: SQLite removed the -wal and -shm; only the name is left.
        for suffix in ("", *_COMPANIONS):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(building + suffix)


def read_leaving_nothing(path: str | os.PathLike, read: Callable[[sqlite3.Connection], T]) -> T:
    """``read(conn)`` on a database this command only reads (a merge's source, agree's files), in
    one snapshot, leaving nothing beside the file even if the process is killed meanwhile.

    Reading a WAL database with locks creates a -wal and a -shm beside it, which a kill leaves
    behind. So a file nobody has open (no -wal) is read as immutable, without locks, and then
    checked unchanged (same inode, size and times, still no -wal): a writer that came meanwhile
    makes it read again, with locks, as any reader. A file in use is read with locks at once.
    """
    real = resolve(path)
    if os.path.isfile(real) and not any(os.path.exists(real + suffix) for suffix in _COMPANIONS):
        before = _identity(real)
        failure: BaseException | None = None
        db = open_database(path, create=False, read_only=True, immutable=True)
        try:
            with read_snapshot(db.conn):
                result = read(db.conn)
        except (sqlite3.DatabaseError, StoreError) as exc:
            failure = exc
        finally:
            close_database(db)
        if _identity(real) == before and not os.path.exists(real + "-wal"):
            if failure is not None:
                raise failure
            return result
    db = open_database(path, create=False, read_only=True)
    try:
        with read_snapshot(db.conn):
            return read(db.conn)
    finally:
        close_database(db)
