"""The agreement report (annotate.agreement) as readable text tables."""
from __future__ import annotations

CATEGORICAL = (("entity_label", "entity label (over matched entities)"), ("claim_type", "claim type"),
               ("checkworthy", "check-worthiness"), ("claimant", "claimant"), ("stance_polarity", "stance polarity"),
               ("relation_label", "relation label"), ("document_labels", "document labels (yes/no per label)"))


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _coefficients(c: dict, names=("cohen_kappa", "krippendorff_alpha", "gwet_ac1")) -> str:
    short = {"cohen_kappa": "kappa", "krippendorff_alpha": "alpha", "gwet_ac1": "AC1"}
    return "  ".join(f"{short[n]} {_num(c[n]['value']):>6}" for n in names if n in c)


def _span_tables(pair: dict, lines: list[str]) -> None:
    a, b = pair["a"], pair["b"]
    for layer in ("entities", "claims"):
        exact, overlap = pair[layer]["exact"], pair[layer]["overlap"]
        lines.append(f"  {layer}: span F1 (P and R take {a} as reference)")
        lines.append(f"    {'label':<14} {a:>6} {b:>6}  {'exact':>7} {'P':>6} {'R':>6}  {'overlap':>7} {'P':>6} {'R':>6}")
        rows = [("all", exact["overall"], overlap["overall"])]
        rows += [(label, exact["labels"][label], overlap["labels"][label]) for label in exact["labels"]]
        for label, e, o in rows:
            lines.append(f"    {label:<14} {e['a']:>6} {e['b']:>6}  {_num(e['f1']):>7} {_num(e['precision']):>6} "
                         f"{_num(e['recall']):>6}  {_num(o['f1']):>7} {_num(o['precision']):>6} {_num(o['recall']):>6}")


def _alpha_u(alpha_u: dict, lines: list[str]) -> None:
    for layer in ("entities", "claims"):
        u = alpha_u.get(layer)
        if not u:
            continue
        per_label = ", ".join(f"{label} {_num(v['value'])}" for label, v in u["labels"].items())
        lines.append(f"  alpha-U {layer}: {_num(u['value'])} over {u['documents']} documents"
                     + (f" ({per_label})" if per_label else ""))


def format_report(report: dict) -> str:
    """The report as readable text tables."""
    counted = "done or in progress" if report.get("include_unfinished") else "marked done"
    lines = ["documents marked done: " + (", ".join(f"{k} {v}" for k, v in report["done"].items()) or "none")]
    if report.get("include_unfinished"):
        lines.append("documents not yet done are included (anything but skipped)")
    if not report["pairs"]:
        lines.append("fewer than two annotators: nothing to compare")
    for pair in report["pairs"]:
        a, b = pair["a"], pair["b"]
        lines += ["", f"{a} vs {b}: {pair['documents']} documents both {counted}"]
        if not pair["documents"]:
            continue
        _span_tables(pair, lines)
        for key, title in CATEGORICAL:
            c = pair[key]
            lines.append(f"  {title}: {c['paired']} paired, {c['only_a']} only {a}, {c['only_b']} only {b}; "
                         f"observed {_num(c['observed'])}  {_coefficients(c)}")
            for label, v in c["labels"].items():
                if len(c["labels"]) > 1 and v["count"]:
                    lines.append(f"    {label:<20} {v['count']:>5}  {_coefficients(v)}")
        _alpha_u(pair["alpha_u"], lines)
    everyone = report.get("all")
    if everyone and len(everyone["annotators"]) > 2:
        lines += ["", f"all {len(everyone['annotators'])} annotators at once: {everyone['documents']} documents "
                      f"{counted} by two or more"]
        for key, title in CATEGORICAL:
            c = everyone[key]
            lines.append(f"  {title}: {c['pairable']} of {c['units']} units pairable  "
                         f"{_coefficients(c, ('krippendorff_alpha', 'gwet_ac1'))}")
        _alpha_u(everyone["alpha_u"], lines)
    return "\n".join(lines)
