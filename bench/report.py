"""The benchmark table: one row per measure, its floor from the same run, the goal and the verdict."""
from __future__ import annotations

import json
import resource
import statistics
from pathlib import Path


def median(values):
    return statistics.median(values) if values else float("nan")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(key: str, measure: str, unit: str, floor, ours, goal: str, *, ratio=None, check=None, note: str = "",
        cpu_floor=None, cpu_ours=None, **extra) -> dict:
    """One line of the table. ``goal`` reads ``<= 1.5x`` / ``>= 0.9x`` (against the ratio) or
    ``< 16 ms`` (against ours); ``check`` overrides. Ratio is ours / floor unless given.

    ``cpu_ours`` (and ``cpu_floor``): the same measure in CPU time, where it was taken. The machine
    may be shared: wall time then includes waiting for a CPU, CPU time is the work done. The
    verdict is on the wall figures; the CPU ones are printed beside them."""
    if ratio is None and floor not in (None, 0) and ours is not None:
        ratio = ours / floor
    cpu_ratio = cpu_ours / cpu_floor if cpu_ours is not None and cpu_floor else None
    ok = None
    if check is not None:
        ok = bool(check)
    elif goal.startswith(("<=", ">=", "<", ">")) and ours is not None:
        op, value = goal.split()[0], float(goal.split()[1].rstrip("x"))
        subject = ratio if goal.split()[1].endswith("x") else ours
        if subject is not None:
            ok = {"<=": subject <= value, ">=": subject >= value, "<": subject < value, ">": subject > value}[op]
    return {"key": key, "measure": measure, "unit": unit, "floor": floor, "ours": ours, "ratio": ratio,
            "goal": goal, "ok": ok, "note": note, "cpu_floor": cpu_floor, "cpu_ours": cpu_ours,
            "cpu_ratio": cpu_ratio, **extra}


def fmt(value, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if unit == "docs/s":
        return f"{value:,.0f}/s"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def _cpu(r: dict) -> str:
    if r.get("cpu_ours") is None:
        return ""
    unit = "s" if r["unit"] == "s" else "ms"
    ours = fmt(r["cpu_ours"], unit)
    if r.get("cpu_ratio") is None:
        return ours
    return f"{ours} / {fmt(r['cpu_floor'], unit)} = {r['cpu_ratio']:.2f}x"


def table(rows: list[dict]) -> str:
    lines = ["| measure | floor | ours | ratio | goal | result | CPU time: ours / floor |",
             "| --- | ---: | ---: | ---: | --- | --- | ---: |"]
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        result = {True: "pass", False: "**miss**", None: ""}[r["ok"]]
        lines.append(f"| {r['measure']} | {fmt(r['floor'], r['unit'])} | {fmt(r['ours'], r['unit'])} | {ratio} | "
                     f"{r['goal']} | {result} | {_cpu(r)} |")
    return "\n".join(lines)


def compare(rows: list[dict], old_path: Path) -> str:
    old = {r["key"]: r for r in json.loads(old_path.read_text())["rows"]}
    lines = [f"compared with {old_path}:", "| measure | ours before | ours now | change | ratio before | ratio now |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        o = old.get(r["key"])
        if o is None or not isinstance(r["ours"], (int, float)) or not isinstance(o["ours"], (int, float)):
            continue
        change = (r["ours"] - o["ours"]) / o["ours"] * 100 if o["ours"] else float("nan")
        ratios = [f"{x:.2f}x" if x is not None else "" for x in (o.get("ratio"), r.get("ratio"))]
        lines.append(f"| {r['key']} | {fmt(o['ours'], r['unit'])} | {fmt(r['ours'], r['unit'])} | {change:+.0f}% | "
                     f"{ratios[0]} | {ratios[1]} |")
    return "\n".join(lines)
