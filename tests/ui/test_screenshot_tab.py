"""`marginalia screenshot --tab NAME` shows that inspector tab; a tab that does not exist is
refused by name, listing those that do, and writes nothing."""
from __future__ import annotations

from PySide6.QtGui import QImage

import main


def test_screenshot_of_a_tab_and_a_tab_that_does_not_exist(qtbot, tmp_path, capsys):
    db = tmp_path / "shot.db"
    text = tmp_path / "a.txt"
    text.write_text("İbrahim Kalın, the Turkish presidential spokesman, said Kalın would go.", encoding="utf-8")
    assert main.main(["import", str(text), "--db", str(db)]) == 0
    out = tmp_path / "actors.png"
    assert main.main(["screenshot", "--db", str(db), "--out", str(out), "--tab", "Actors", "--size", "1000x700"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    capsys.readouterr()
    wrong = tmp_path / "wrong.png"
    assert main.main(["screenshot", "--db", str(db), "--out", str(wrong), "--tab", "Actor"]) == 1
    error = capsys.readouterr().err
    assert "no inspector tab 'Actor'" in error and "Actors" in error and "Entities" in error
    assert not wrong.exists()
