"""Opening a database file safely: refuse what is not ours, migrate what is older, never touch
a file we refuse."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from annotate.errors import StoreError

from .migrations import KNOWN_MIGRATIONS, MIGRATION_SET, migrations

APP_KEY = "application"
APP_NAME = "marginalia"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def _connect(path: str, *, read_only: bool = False, immutable: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = "file:" + quote(Path(path).resolve().as_posix()) + ("?immutable=1" if immutable else "?mode=ro")
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    # Transactions are opened explicitly (BEGIN IMMEDIATE) by the store; the driver must not
    # open its own behind our back.
    conn.isolation_level = None
    return conn


def inspect_existing(path: str) -> str:
    """Look at an existing file without writing to it.

    Returns "empty" (an SQLite file with no tables, or a zero-byte file), "ours", or raises
    StoreError with a message that says what the file is.
    """
    size = os.path.getsize(path)
    if size == 0:
        return "empty"
    with open(path, "rb") as fh:
        header = fh.read(100)
    if header[:len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a SQLite database (it may be another kind of file); left untouched")
    if len(header) < 100 or size < 512 or size % 512:
        raise StoreError(f"{path}: the database file is truncated ({size} bytes); left untouched")
    wal = path + "-wal"
    wal_in_use = os.path.exists(wal) and os.path.getsize(wal) > 0
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is valid when its "version valid for" matches the change
    # counter; with no WAL pending, a shorter file lost its end.
    if (not wal_in_use and pages and header[24:28] == header[92:96]
            and size < pages * page_size):
        raise StoreError(f"{path}: the database file is truncated ({size} of {pages * page_size} bytes); "
                         "left untouched")
    try:
        # A read-only connection to a WAL database creates -wal and -shm files beside it; when
        # no -wal exists (nobody has the file open), read it as immutable so that a file we
        # refuse gets no companions.
        conn = _connect(path, read_only=True, immutable=header[18] == 2 and not os.path.exists(wal))
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the database: {exc}; left untouched") from None
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not names:
            return "empty"
        if "marginalia" not in names:
            raise StoreError(f"{path}: a SQLite database, but not a Marginalia database; left untouched")
        app = conn.execute("SELECT value FROM marginalia WHERE key = ?", [APP_KEY]).fetchone()
        if not app or app[0] != APP_NAME:
            raise StoreError(f"{path}: a SQLite database, but not a Marginalia database; left untouched")
        applied = [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET])]
        unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
        if unknown:
            raise StoreError(f"{path}: written by a newer version of Marginalia (schema step {unknown[0]!r}); "
                             "upgrade Marginalia to open it; left untouched")
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise StoreError(f"{path}: the database is damaged ({result}); left untouched")
        return "ours"
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: the database is damaged or unreadable ({exc}); left untouched") from None
    finally:
        conn.close()


def _create_private(path: str) -> None:
    # Annotations can be sensitive (unpublished articles, people's judgements): only the
    # owner may read the file.
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def writable(path: str | os.PathLike) -> bool:
    """Whether we may write the file. os.access alone says yes to root; a file whose mode has
    no write bit is read-only too."""
    return os.access(path, os.W_OK) and bool(os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def open_database(path: str | os.PathLike, *, create: bool = True, read_only: bool = False) -> Database:
    """Open (or create) a Marginalia database, migrated to this version's schema.

    Raises StoreError, leaving the file byte-for-byte untouched, when it is not a Marginalia
    database, is damaged, or comes from a newer version. ``read_only`` opens it for reading
    only; close such a database with ``close_database``, which tidies up after it.
    """
    path = os.fspath(path)
    if path == ":memory:":
        return _prepare(Database(_connect(":memory:")), fresh=True)
    exists = os.path.exists(path)
    if exists and os.path.isdir(path):
        raise StoreError(f"{path}: is a folder, not a database file")
    if not exists and not create:
        raise StoreError(f"{path}: no such database")
    state = inspect_existing(path) if exists else "new"
    if read_only:
        return _open_read_only(path, state)
    if state == "new":
        _create_private(path)
    if not writable(path):
        raise StoreError(f"{path}: the database is read-only; the stats, export, audit, merge and agree commands "
                         "can read it, but annotating or importing needs write permission on the file")
    try:
        conn = _connect(path)
        return _prepare(Database(conn), fresh=state != "ours")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot use the database: {exc}") from None


def _open_read_only(path: str, state: str) -> Database:
    if state != "ours":
        raise StoreError(f"{path}: not a Marginalia database")
    companions = [path + suffix for suffix in ("-wal", "-shm") if os.path.exists(path + suffix)]
    # Reading a WAL database creates -wal and -shm beside it. With none there, nobody has the
    # file open: a file we may write gets them removed again on close (by SQLite, which knows
    # whether another connection still uses them); one we may not write is read as immutable,
    # since we could not remove them.
    immutable = not companions and not writable(path)
    db = Database(_connect(path, read_only=True, immutable=immutable))
    db.tidy_on_close = None if companions or immutable else path
    try:
        applied = {r[0] for r in db.conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
    except sqlite3.DatabaseError as exc:
        close_database(db)
        raise StoreError(f"{path}: cannot read the database: {exc}") from None
    if not set(KNOWN_MIGRATIONS) <= applied:
        close_database(db)
        raise StoreError(f"{path}: written by an older version of Marginalia and opened read-only, so it cannot be "
                         "brought up to date; open it once with write permission")
    return db


def close_database(db: Database) -> None:
    db.conn.close()
    path = getattr(db, "tidy_on_close", None)
    if path and any(os.path.exists(path + suffix) for suffix in ("-wal", "-shm")):
        # The last connection to close a WAL database removes its -wal and -shm, unless another
        # connection still has the database open; a read-only one cannot, so a writer does.
        with contextlib.suppress(sqlite3.Error, OSError):
            tidier = sqlite3.connect(path)
            try:
                tidier.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                tidier.close()


def _prepare(db: Database, *, fresh: bool) -> Database:
    conn = db.conn
    conn.execute("PRAGMA busy_timeout = %d" % BUSY_TIMEOUT_MS)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit survives power loss too, not only a killed process.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute("PRAGMA trusted_schema = OFF")
    if migrations.pending(db):
        migrations.apply(db)
    if fresh:
        with db.atomic():
            db.execute("INSERT OR IGNORE INTO marginalia (key, value) VALUES (?, ?)", [APP_KEY, APP_NAME])
    return db
