"""Marginalia's entry point: the window by default, subcommands for batch work.

Exit codes: 0 success, 1 bad input (the message names the file and line), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from annotate.errors import MarginaliaError

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


def default_db_path() -> Path:
    home = os.environ.get("MARGINALIA_HOME")
    if home:
        return Path(home) / "marginalia.db"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "marginalia" / "marginalia.db"


def default_annotator() -> str:
    try:
        fallback = getpass.getuser()
    except Exception:  # no login name in some containers
        fallback = "annotator"
    return os.environ.get("MARGINALIA_ANNOTATOR") or fallback


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marginalia", description=(
        "Annotate news text: entities, claims, stances and relations, saved as gold in SQLite."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", type=Path, default=None,
                         help=f"database file (default: {default_db_path()})")
        sub.add_argument("--annotator", default=None,
                         help="who is acting (default: $MARGINALIA_ANNOTATOR or your login name)")
        return sub

    gui = command("gui", "open the annotation window (the default when no command is given)")
    gui.add_argument("--doc", help="document id to open first")

    imp = command("import", "add documents, and their annotations where the format has them")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to import")
    imp.add_argument("--format", choices=["txt", "jsonl"], default=None,
                     help="input format (default: detected from the file name: .txt, .jsonl)")
    imp.add_argument("--as", dest="as_", choices=["gold", "suggestions"], default="gold",
                     help="store imported annotations as gold (decided) or as suggestions to review")

    exp = command("export", "write the annotations as a dataset")
    exp.add_argument("--format", choices=["jsonl"], default="jsonl",
                     help="jsonl: native JSONL, lossless (offsets are Python code points)")
    exp.add_argument("--out", type=Path, required=True, help="output file ('-' for standard output)")
    exp.add_argument("--only-done", action="store_true", help="only documents marked done")
    exp.add_argument("--force", action="store_true", help="overwrite an existing output file")

    shot = command("screenshot", "render the window for a document to PNG, without a screen")
    shot.add_argument("--doc", help="document id (default: the next unfinished one)")
    shot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    shot.add_argument("--theme", choices=["light", "dark"], default="light")
    shot.add_argument("--size", default="1400x860", help="window size, WIDTHxHEIGHT")

    stats = command("stats", "counts by document status, label, annotator, origin, decision")
    stats.add_argument("--json", action="store_true", help="print JSON")

    aud = command("audit", "the history of actions; --verify checks it was not altered")
    aud.add_argument("--doc", help="only this document's history")
    aud.add_argument("--verify", action="store_true", help="check the hash chain and the tables against it")
    aud.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    args.db = args.db or default_db_path()
    if args.command != "gui":
        # The window asks for the name once and remembers it; batch commands fall back to the login.
        args.annotator = args.annotator or default_annotator()
    else:
        args.annotator = args.annotator or os.environ.get("MARGINALIA_ANNOTATOR")
    handler = globals()[f"cmd_{args.command}"]
    try:
        return handler(args)
    except MarginaliaError as exc:
        print(f"marginalia: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("marginalia: interrupted; every committed action is kept", file=sys.stderr)
        return 130


def _open_store(args, *, create: bool = True):
    from store import Store
    return Store.open(str(args.db), args.annotator, create=create)


def _progress(total: int | None, what: str):
    from tqdm import tqdm
    # disable=None: a bar on a terminal, silence in pipes and logs.
    return tqdm(total=total, desc=what, unit=" docs", disable=None, file=sys.stderr, leave=False)


def cmd_gui(args) -> int:
    from ui.app import run_gui
    return run_gui(db_path=args.db, annotator=args.annotator, doc_id=getattr(args, "doc", None),
                   seed_if_new=args.db == default_db_path())


def cmd_screenshot(args) -> int:
    from annotate.errors import InputError
    from ui.app import screenshot

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise InputError(f"--size must look like 1400x860, not {args.size!r}") from None
    out = screenshot(db_path=args.db, annotator=args.annotator, doc_id=args.doc, out=args.out, theme=args.theme,
                     width=width, height=height)
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args) -> int:
    from annotate.errors import InputError
    from annotate.formats import native_jsonl, plaintext

    items = []
    taken: set[str] = set()
    for path in args.paths:
        fmt = args.format or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "txt")
        if fmt == "jsonl":
            if path.is_dir():
                raise InputError("is a folder; give the .jsonl file", source=str(path))
            items.extend((str(path), doc) for doc in native_jsonl.read(path))
        else:
            for file in plaintext.text_files(path):
                items.append((str(file), plaintext.read(file, taken)))
    store = _open_store(args)
    sources = {source for source, _ in items}
    with store, _progress(len(items), "importing") as bar:
        def documents():
            for source, doc in items:
                current[0] = source
                yield doc
        current = [None]
        try:
            result = store.import_documents(documents(), as_suggestions=args.as_ == "suggestions",
                                            origin=f"import:{Path(next(iter(sources))).name}" if len(sources) == 1 else "import",
                                            source=", ".join(sorted(sources))[:500], on_progress=lambda n: bar.update(1))
        except InputError as exc:
            raise exc.located(source=current[0]) from None
    print(f"imported {result.documents} documents ({result.spans} entities and claims, {result.stances} stances, "
          f"{result.relations} relations); {result.skipped} already present")
    return EXIT_OK


def cmd_export(args) -> int:
    from annotate.formats import native_jsonl
    from store.export import write_atomically

    store = _open_store(args, create=False)
    with store:
        total = store.document_count()
        with _progress(total, "exporting") as bar:
            def items():
                for item in store.iter_annotated(only_done=args.only_done):
                    bar.update(1)
                    yield item
            count = write_atomically(args.out, lambda out: native_jsonl.write(items(), out), force=args.force)
    print(f"exported {count} documents to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args) -> int:
    with _open_store(args, create=False) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"documents: {stats['documents']}  " + "  ".join(f"{k}: {v}" for k, v in stats["status"].items()))
    for section in ("entities_by_label", "claims_by_type", "stances_by_polarity", "relations_by_label",
                    "by_decision", "by_origin", "by_annotator"):
        if stats[section]:
            print(f"{section.replace('_', ' ')}: " + ", ".join(f"{k or '-'} {v}" for k, v in stats[section].items()))
    print(f"audit events: {stats['audit_events']}")
    return EXIT_OK


def cmd_audit(args) -> int:
    with _open_store(args, create=False) as store:
        if args.verify:
            result = store.verify()
            if args.json:
                print(json.dumps({"ok": result.ok, "events": result.events, "problems": result.problems}))
            elif result.ok:
                print(f"audit log verified: {result.events} events, chain intact, tables match the history")
            else:
                print(f"audit log FAILED verification ({result.events} events):", file=sys.stderr)
                for problem in result.problems:
                    print(f"  {problem}", file=sys.stderr)
            return EXIT_OK if result.ok else EXIT_BAD_INPUT
        for event in store.events(args.doc):
            if args.json:
                print(json.dumps({"seq": event.seq, "at": event.at, "actor": event.actor, "action": event.action,
                                  "doc_id": event.doc_id, "rows": [r.to_json() for r in event.rows],
                                  "detail": event.detail}, ensure_ascii=False))
            else:
                print(f"{event.summary()}  ({len(event.rows)} rows)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
