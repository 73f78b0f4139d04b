"""The audit log's anchor: a copy of its length and last hash kept OUTSIDE the database file.

The hash chain shows an event changed in place, but not a log cut short (delete the last
events and put their rows back) or rewritten from some event on with every later hash
recomputed: the chain is then whole again. Both show against an anchor taken earlier and kept
elsewhere: ``marginalia audit --head`` prints it (``COUNT:HASH``), every export writes it into
a manifest beside its output, and ``audit --verify --expect COUNT:HASH`` (or ``--expect`` an
export or its manifest) checks that event #COUNT is still there with that hash. As each hash
covers the one before it, that one comparison vouches for every event up to COUNT.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from annotate.errors import InputError
from annotate.formats.output import manifest_path, write_beside

from .rows import now

MANIFEST_VERSION = 1
_ANCHOR = re.compile(r"^\s*(\d{1,18}):([0-9a-f]{64})\s*$")


@dataclass(frozen=True)
class Anchor:
    events: int
    head: str

    def __str__(self) -> str:
        return f"{self.events}:{self.head}"


def head(conn) -> Anchor:
    """The log's length and its last event's hash, as this connection reads them now."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    count = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    if row is None:
        return Anchor(0, "0" * 64)
    return Anchor(count, str(row[1]))


def read_expected(value: str) -> Anchor:
    """``COUNT:HASH``, a manifest, or an export whose manifest is beside it."""
    match = _ANCHOR.match(value)
    if match:
        return Anchor(int(match.group(1)), match.group(2))
    path = Path(value)
    candidates = [path] if path.name.endswith(".manifest.json") else [manifest_path(path), path]
    for candidate in candidates:
        if candidate.is_file():
            return _from_manifest(candidate)
    raise InputError("--expect wants COUNT:HASH (as `marginalia audit --head` prints it), an export's manifest, "
                     "or an export with its manifest beside it", source=value)


def _from_manifest(path: Path) -> Anchor:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        audit = data["audit"]
        anchor = f"{int(audit['events'])}:{audit['head']}"
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a Marginalia export manifest ({type(exc).__name__}: {exc})", source=str(path)) from None
    match = _ANCHOR.match(anchor)
    if not match:
        raise InputError(f"its audit anchor {anchor!r} is not COUNT:HASH", source=str(path))
    return Anchor(int(match.group(1)), match.group(2))


def check(conn, expected: Anchor) -> list[str]:
    """What the log has lost or had rewritten since ``expected`` was taken (empty: nothing)."""
    if expected.events == 0:
        return []
    count = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", [expected.events]).fetchone()
    if row is None:
        return [f"the log was cut short: it holds {count} events, but the anchor kept outside the file says "
                f"{expected.events}; the events after #{count} were removed (their changes may have been put "
                "back into the tables by hand)"]
    if row[0] != expected.head:
        return [f"the log was rewritten: event #{expected.events} is not the one the anchor names (its hash is "
                f"{str(row[0])[:16]}…, the anchor's {expected.head[:16]}…); the history up to it was replaced and "
                "its hashes recomputed"]
    return []


def write_manifest(out: Path, anchor: Anchor, *, fmt: str, written: dict[str, int], database: str) -> Path:
    """The manifest beside an export (``OUT.manifest.json``): the audit anchor of the state it was
    read from, and what it wrote (each file's size and SHA-256), so the anchor is kept wherever
    the export goes."""
    files = {}
    for target, count in written.items():
        entry: dict = {"documents": count}
        if os.path.isfile(target):
            entry.update(_digest(Path(target)))
        files[os.path.relpath(target, Path(out).parent)] = entry
    from annotate.formats.registry import companions
    beside = {c for target in [out, *written] for c in companions(fmt, Path(target))}
    for companion in sorted(beside):  # the client's config written with the export (Label Studio, spaCy)
        if companion.is_file():
            files[os.path.relpath(companion, Path(out).parent)] = _digest(companion)
    body = {"marginalia_manifest": MANIFEST_VERSION, "format": fmt, "exported_at": now(),
            "database": os.path.basename(database), "audit": {"events": anchor.events, "head": anchor.head},
            "files": files}
    target = manifest_path(Path(out))
    write_beside(target, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return target


def _digest(path: Path) -> dict:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:  # an export just written, never a database file
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
            size += len(block)
    return {"bytes": size, "sha256": sha.hexdigest()}
