"""Where the bundled sample articles and default schema live."""
from __future__ import annotations

from pathlib import Path


def seeds_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "seeds"


def sample_articles() -> list[Path]:
    return sorted(seeds_dir().glob("*.txt"))
