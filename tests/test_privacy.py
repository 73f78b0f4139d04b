"""Marginalia opens no network connection, at any time; its database is private to its owner."""
from __future__ import annotations

import os
import socket
import stat

import pytest

import main


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_a_whole_session_opens_no_connection(no_network, tmp_path, qtbot):
    db = tmp_path / "private.db"
    hostile = tmp_path / "links.txt"
    hostile.write_text('See <img src="http://example.com/x.png"> and file:///etc/passwd '
                       'and <a href="https://tracker.example/">this</a>.\n', encoding="utf-8")
    assert main.main(["import", str(hostile), "--db", str(db)]) == 0
    assert main.main(["export", "--db", str(db), "--out", str(tmp_path / "out.jsonl")]) == 0
    assert main.main(["stats", "--db", str(db)]) == 0
    assert main.main(["audit", "--db", str(db), "--verify"]) == 0
    assert main.main(["screenshot", "--db", str(db), "--out", str(tmp_path / "shot.png")]) == 0
    assert no_network == []


def test_the_database_file_is_readable_by_its_owner_only(tmp_path):
    db = tmp_path / "fresh.db"
    text = tmp_path / "a.txt"
    text.write_text("Turkey and Russia.", encoding="utf-8")
    assert main.main(["import", str(text), "--db", str(db)]) == 0
    mode = stat.S_IMODE(os.stat(db).st_mode)
    assert mode == 0o600, oct(mode)
