"""`marginalia ARGS...` in a process that SIGKILLs itself in the middle of putting its outputs in place.

A random kill almost never lands in the microseconds between two renames; this one always does:

    python landing_driver.py moves N ARGS...     killed after the N-th output is in place
    python landing_driver.py renames N ARGS...   as if the file system could not exchange two folders
                                                 (renameat2 missing), killed after the N-th rename
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotate.formats import landing  # noqa: E402


def die_after(count: int, function):
    calls = [0]

    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        calls[0] += 1
        if calls[0] >= count:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapped


def main() -> int:
    mode, count, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    if mode == "moves":
        landing._put_in_place = die_after(count, landing._put_in_place)
    elif mode == "renames":
        landing._RENAMEAT2 = None
        landing.os.rename = die_after(count, os.rename)
    else:
        raise SystemExit(f"unknown mode {mode}")
    import main as marginalia
    return marginalia.main(argv)


if __name__ == "__main__":
    sys.exit(main())
