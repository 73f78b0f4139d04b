"""Opening a database file safely: refuse what is not ours, migrate what is older, never touch
a file we refuse."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from pathlib import Path
from urllib.parse import quote

from annotate.errors import StoreError

from .migrations import KNOWN_MIGRATIONS, MIGRATION_SET, apply_pending, pending

APP_KEY = "application"
APP_NAME = "marginalia"
BUSY_TIMEOUT_MS = 10_000


class Database:
    """An open database: its connection, and what closing it must tidy up. (sqlite-utils'
    Database is made only to apply migrations: importing it costs the window's start-up.)"""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.tidy_on_close: str | None = None
        #: A page check of the file still running (``open_database``'s ``check_later``), or None.
        self.pending_check: BackgroundCheck | None = None


@contextlib.contextmanager
def busy_timeout(conn: sqlite3.Connection, ms: int | None):
    """How long ``conn`` waits for another connection's lock, for the ``with`` block only (None:
    as it is): a key press waits briefly, a background sync not at all, a command the default."""
    if ms is None:
        yield
        return
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {int(ms)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(previous)}")


def _connect(path: str, *, read_only: bool = False, immutable: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = "file:" + quote(Path(path).resolve().as_posix()) + ("?immutable=1" if immutable else "?mode=ro")
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    # Transactions are opened explicitly (BEGIN IMMEDIATE) by the store; the driver must not
    # open its own behind our back.
    conn.isolation_level = None
    # As sqlite-utils' Database sets it on every connection it wraps (all of ours were, until
    # it was kept off the start-up path): a REPLACE fires the delete triggers.
    conn.execute("PRAGMA recursive_triggers = ON")
    return conn


# A rule for every function here: no descriptor of a database file, or of its -wal or -shm,
# is ever opened outside SQLite in this process. POSIX advisory locks belong to the process, and
# closing ANY descriptor of a file drops every lock the process holds on it (SQLite's "How To
# Corrupt An SQLite Database File", 2.2): another process then believes it is the last user,
# checkpoints and deletes the -wal that our open connection is still writing to, and what we
# write next is lost. SQLite's own unix VFS knows this: it shares one lock record per file
# across the process's connections and keeps a descriptor open while another connection holds
# a lock, so a connection opened and closed through SQLite (read-only, immutable or not) is
# safe. os.stat / os.path.exists / os.path.getsize open nothing and are safe too.


#: Files smaller than this are checked page by page (PRAGMA quick_check) whenever they are opened:
#: it reads the whole file, about 20 ms for 64 MB. A larger one opened by the window is checked
#: on a thread of its own while the window shows (``BackgroundCheck``); 1.3 s for 1.5 GB.
CHECK_AT_OPEN_BELOW = 64 * 1024 * 1024


def inspect_existing(path: str, *, check: bool = True) -> str:
    """Look at an existing file without writing to it (or beside it).

    Returns "empty" (an SQLite file with no tables, or a zero-byte file), "ours", or raises
    StoreError with a message that says what the file is. Reads only through SQLite (see the
    rule above): this process may well hold a connection to the file already (the window's
    worker opens a second Store on the window's file). ``check``: whether to read every page
    for damage (the caller has it checked later otherwise).
    """
    size = os.stat(path).st_size
    wal, shm = (os.path.exists(path + suffix) for suffix in ("-wal", "-shm"))
    if size == 0 and not wal:
        return "empty"
    if not wal:
        # Nobody has the file open in WAL mode (a connection keeps the -wal while it lives):
        # read it as immutable, which takes no lock and creates no -wal or -shm beside a file
        # we may refuse. If a writer came in while we read, read again, with locks.
        before = _identity(path)
        try:
            return _classify(path, _connect(path, read_only=True, immutable=True), size, authoritative=True,
                             check=check)
        except StoreError:
            if _identity(path) == before and not os.path.exists(path + "-wal"):
                raise
        return _classify(path, _connect(path, read_only=True), size, authoritative=True, check=check)
    if not shm:
        # A -wal left without its -shm (nobody uses it: a live WAL connection keeps both). A
        # read-only connection would create a -shm to read the -wal; refuse first what the main
        # file alone proves is not ours, so a refused file gets nothing new beside it.
        _classify(path, _connect(path, read_only=True, immutable=True), size, authoritative=False)
    # The -wal holds committed data the main file lacks yet: only a connection that reads it
    # (with locks, as every other user of the file) sees the database as it is.
    return _classify(path, _connect(path, read_only=True), size, authoritative=True, check=check)


def _identity(path: str) -> tuple:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _classify(path: str, conn: sqlite3.Connection, size: int, *, authoritative: bool, check: bool = True) -> str:
    """What ``conn`` shows the file to be. Not ``authoritative`` (the main file without its
    -wal): only refusals the -wal could not undo are raised; any other doubt returns "unsure"."""
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if not names and not objects:
            # No tables yet, but another program may have claimed the file already.
            claimed = [f"{pragma} {value}" for pragma in ("application_id", "user_version")
                       for value in conn.execute(f"PRAGMA {pragma}").fetchone() if value]
            if claimed:
                raise StoreError(f"{path}: a SQLite database of another program ({', '.join(claimed)}), not a "
                                 "Marginalia database; left untouched")
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
        if not authoritative:
            return "unsure"
        if check:
            _quick_check(path, conn)
        return "ours"
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreError(f"{path}: not a SQLite database (it may be another kind of file); left untouched") from None
        if not authoritative:
            return "unsure"
        raise StoreError(_unreadable(path, size, exc)) from None
    finally:
        conn.close()


def _quick_check(path: str, conn: sqlite3.Connection) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise StoreError(f"{path}: the database is damaged ({result}); left untouched")


class BackgroundCheck:
    """PRAGMA quick_check of a large database file on a thread of its own, with a read-only
    connection of its own (SQLite's: no descriptor of ours), while the window shows. The store
    waits for it before its first write, so a damaged file is still never written to: only the
    refusal comes a moment later (the window says it, and closes).

    Made idle: ``start`` begins it (the window does, once its first paint is over: on a loaded
    machine the check's reading of a large file took CPU from the start-up), and the first write
    starts it if nobody did."""

    def __init__(self, path: str):
        import threading
        self.path = path
        self.problem: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="quick-check", daemon=True)
        self._starting = threading.Lock()

    def start(self) -> None:
        """Begin the check on its thread; once only, whoever asks first."""
        with self._starting:
            if self._thread.ident is None:
                self._thread.start()

    def _run(self) -> None:
        conn = None
        try:
            conn = _connect(self.path, read_only=True)
            _quick_check(self.path, conn)  # sqlite3 lets go of the GIL while SQLite reads
        except StoreError as exc:
            self.problem = str(exc)
        except sqlite3.DatabaseError as exc:
            self.problem = f"{self.path}: the database is damaged or unreadable ({exc}); left untouched"
        finally:
            if conn is not None:
                conn.close()
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        """Return once the file is found sound; StoreError (naming the damage) otherwise."""
        self.start()
        self._done.wait()
        if self.problem:
            raise StoreError(self.problem)


def _unreadable(path: str, size: int, exc: sqlite3.DatabaseError) -> str:
    """The message for a file SQLite cannot read: truncated when it is shorter than its header says."""
    if size < 512 or size % 512:
        return f"{path}: the database file is truncated ({size} bytes); left untouched"
    header = _header_from_another_process(path)
    if len(header) == 100 and header[24:28] == header[92:96] and not os.path.exists(path + "-wal"):
        # The page count in the header is valid when its "version valid for" matches the
        # change counter; with no WAL pending, a shorter file lost its end.
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        if size < pages * page_size:
            return f"{path}: the database file is truncated ({size} of {pages * page_size} bytes); left untouched"
    return f"{path}: the database is damaged or unreadable ({exc}); left untouched"


def _header_from_another_process(path: str) -> bytes:
    """The file's first 100 bytes, read by a child process: its descriptor's close drops only the
    child's locks, never ours (SQLite cannot hand us the header of a file it refuses to read).
    Only called for a file SQLite refused, so the cost of a process is rare."""
    import subprocess  # here: rare, and not worth its import on every start
    reader = "import sys; f = open(sys.argv[1], 'rb'); sys.stdout.buffer.write(f.read(100))"
    try:
        done = subprocess.run([sys.executable, "-c", reader, path], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return b""
    return done.stdout if done.returncode == 0 else b""


def _create_private(path: str) -> None:
    # Annotations can be sensitive (unpublished articles, people's judgements): only the
    # owner may read the file. O_EXCL: the file is new, so no connection of this process can
    # have it open, and closing this descriptor drops no lock (see the rule above).
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def writable(path: str | os.PathLike) -> bool:
    """Whether we may write the file. os.access alone says yes to root; a file whose mode has
    no write bit is read-only too."""
    return os.access(path, os.W_OK) and bool(os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def resolve(path: str | os.PathLike) -> str:
    """The file a database path names: a symbolic link is followed (SQLite puts -wal and -shm
    beside the file it points to), a dangling one names the file to create; a loop is refused."""
    path = os.fspath(path)
    if not os.path.islink(path):
        return path
    try:
        return os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return os.path.realpath(path)
    except OSError as exc:
        raise StoreError(f"{path}: a symbolic link that cannot be followed ({exc.strerror or exc}); "
                         "left untouched") from None


def open_database(path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                  check_later: bool = False, immutable: bool = False) -> Database:
    """Open (or create) a Marginalia database, migrated to this version's schema.

    Raises StoreError, leaving the file byte-for-byte untouched, when it is not a Marginalia
    database, is damaged, or comes from a newer version. ``read_only`` opens it for reading
    only, and never writes it or creates it (a command that only reads leaves every file as
    it was); close such a database with ``close_database``, which tidies up after it.
    ``immutable`` (with ``read_only``): read it without locks when nobody has it open, for a
    caller that checks afterwards that nothing changed (see store/files.py).
    """
    path = os.fspath(path)
    if path == ":memory:":
        return _prepare(Database(_connect(":memory:")), fresh=True)
    shown = path
    path = resolve(path)
    exists = os.path.exists(path)
    if exists and os.path.isdir(path):
        raise StoreError(f"{shown}: is a folder, not a database file")
    if not exists and (not create or read_only):
        raise StoreError(f"{shown}: no such database" + (f" (the link points to {path})" if shown != path else "")
                         + f"; check the name, or make one with `marginalia import FILE... --db {shown}`")
    # For the window: a large file is checked page by page while it shows (see BackgroundCheck).
    later = check_later and not read_only and exists and os.stat(path).st_size >= CHECK_AT_OPEN_BELOW
    state = inspect_existing(path, check=not later) if exists else "new"
    if read_only:
        return _open_read_only(path, state, unlocked=immutable)
    if state == "empty" and not create:
        # An empty file is made a database only by a command that may create one (import, the window).
        raise StoreError(f"{shown}: an empty file, not a Marginalia database yet; left untouched")
    if state == "new":
        _create_private(path)
    if not writable(path):
        raise StoreError(f"{path}: the database is read-only; the stats, export, audit, merge and agree commands "
                         "can read it, but annotating or importing needs write permission on the file")
    try:
        conn = _connect(path)
        db = _prepare(Database(conn), fresh=state != "ours")
        if later:
            db.pending_check = BackgroundCheck(path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot use the database: {exc}") from None
    from .integrity import foreign_objects
    foreign = foreign_objects(db.conn)
    if foreign:
        # A trigger someone added (BEFORE INSERT ON spans ... RAISE(IGNORE)) would make actions
        # report "saved" and keep nothing: refuse to write, let the reading commands rescue it.
        conn.close()
        raise StoreError(f"{path}: {foreign[0]}; Marginalia will not write to a database whose schema was changed "
                         "behind its back (export, stats and audit --verify still read it)")
    return db


def _open_read_only(path: str, state: str, *, unlocked: bool = False) -> Database:
    if state != "ours":
        raise StoreError(f"{path}: not a Marginalia database" + (" (the file is empty)" if state == "empty" else "")
                         + "; left untouched")
    companions = [path + suffix for suffix in ("-wal", "-shm") if os.path.exists(path + suffix)]
    # Reading a WAL database creates -wal and -shm beside it. With no -wal there, nobody has the
    # file open; when nobody can open it for writing either (a file without write permission,
    # or in a folder where no -wal can be created), nothing can change while we read, so it is
    # read as immutable and nothing is created beside it. Otherwise it is read with locks (a
    # writer may come), and the -wal and -shm that creates are removed again on close (by
    # SQLite, which knows whether another connection still uses them).
    folder_writable = os.access(os.path.dirname(os.path.abspath(path)), os.W_OK)
    immutable = not companions and (unlocked or not writable(path) or not folder_writable)
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
        raise StoreError(f"{path}: written by an older version of Marginalia; a command that only reads does not "
                         "bring it up to date: open it once in the window or with a command that writes "
                         "(with write permission on the file), then read it")
    return db


@contextlib.contextmanager
def read_snapshot(conn: sqlite3.Connection):
    """Every query inside reads one state of the file: one read transaction, so a writer in
    another process (a window deleting and undoing) never shows half of an action, or a claim
    whose claimant is already gone, to an export, a count or a verification. In WAL mode the
    writers are not held up; the -wal only keeps what this reader still needs until it ends.
    Inside a transaction already, that one is the snapshot."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        # BEGIN is deferred: the snapshot is taken by the first read, here, not by a later one.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")  # ends a read: nothing is written


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
    if pending(conn):
        apply_pending(conn)
    if fresh:
        conn.execute("INSERT OR IGNORE INTO marginalia (key, value) VALUES (?, ?)", [APP_KEY, APP_NAME])
    return db
