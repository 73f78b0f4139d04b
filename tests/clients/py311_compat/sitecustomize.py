"""On PYTHONPATH only where brat's own, unmodified server code runs on Python 3.11 or newer
because the machine has no older Python (see ``tests/clients/clients.py``).

brat opens every file through ``codecs.open(path, "rU")``. For ``codecs.open`` the "U" never did
anything in Python 3: it always opens the file in binary mode and translates no line ends (on
Python 3.10, ``codecs.open(f, "rU", encoding="utf8").read()`` of ``a\\r\\nb\\rc\\n`` is exactly
that), and Python 3.11 refuses the mode (``ValueError: invalid mode: 'rUb'``). Dropping the "U"
reads the same bytes the same way; nothing else changes.
"""
import codecs

_codecs_open = codecs.open


def _open_without_universal_newlines(filename, mode="r", *args, **kwargs):
    return _codecs_open(filename, mode.replace("U", ""), *args, **kwargs)


codecs.open = _open_without_universal_newlines
