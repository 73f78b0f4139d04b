"""The builtin pre-annotator: spaCy rules over ``spacy.blank("en")``, no download needed.

Pipeline: ``sentencizer`` -> ``entity_ruler`` (gazetteers from ``seeds/gazetteers`` matched on
the exact token text, plus token patterns for dates, times, money, percentages, quantities,
cardinals and ordinals) -> ``marginalia_names`` (capitalised sequences with their cues) ->
``marginalia_claims`` (quotations and reporting verbs).

Matching is on tokens (``ORTH``, ``LOWER``), so every offset is a token boundary of the
original text; nothing lower-cases the document.
"""
from __future__ import annotations

import spacy
from spacy.language import Language

from . import claims as _claims  # noqa: F401  (registers the component factory)
from . import lexicon as lx
from . import names as _names  # noqa: F401

NAME = "builtin"
#: 2: entity groups, stances and relations (issue 17); more organisations from general patterns.
VERSION = 3

_YEAR = r"^(1[5-9]\d\d|20\d\d)$"
_DAY = r"^([1-9]|[12]\d|3[01])(st|nd|rd|th)?$"
_NUMBER = r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$"


def _p(label: str, pattern: list, pid: str) -> dict:
    return {"label": label, "pattern": pattern, "id": pid}


def number_patterns() -> list[dict]:
    month = {"ORTH": {"IN": list(lx.MONTHS)}}
    month_no_may = {"ORTH": {"IN": [m for m in lx.MONTHS if m != "May"]}}
    day = {"TEXT": {"REGEX": _DAY}}
    year = {"TEXT": {"REGEX": _YEAR}}
    num = {"TEXT": {"REGEX": _NUMBER}}
    likenum = {"LIKE_NUM": True}
    unit_lower = [u for u in lx.DATE_UNITS]
    plural_units = [u for u in lx.DATE_UNITS if u.endswith("s")]
    rel = {"LOWER": {"IN": list(lx.RELATIVE_DATE_WORDS)}}
    dated = {"LOWER": {"IN": unit_lower + [m.lower() for m in lx.MONTHS] + [d.lower() for d in lx.WEEKDAYS]}}
    p = [
        # Absolute dates.
        _p("DATE", [month, day], "date"),
        _p("DATE", [month, day, {"ORTH": ","}, year], "date"),
        _p("DATE", [month, day, year], "date"),
        _p("DATE", [day, month], "date"),
        _p("DATE", [day, month, year], "date"),
        _p("DATE", [month, year], "date"),
        _p("DATE", [month_no_may], "date"),
        _p("DATE", [{"ORTH": {"IN": list(lx.WEEKDAYS)}}], "date"),
        _p("DATE", [year], "date"),
        _p("DATE", [{"LOWER": "the", "OP": "?"}, {"TEXT": {"REGEX": r"^(1[5-9]|20)\d0s$"}}], "date"),
        _p("DATE", [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}], "date"),
        _p("DATE", [{"LOWER": {"IN": ["today", "yesterday", "tomorrow"]}}], "date"),
        # Relative dates: "last year", "early this month", "the coming days", "the weekend".
        _p("DATE", [rel, dated], "relative_date"),
        _p("DATE", [{"LOWER": {"IN": ["early", "late", "mid", "earlier", "later"]}}, rel, dated], "relative_date"),
        _p("DATE", [{"LOWER": "the"}, {"LOWER": {"IN": ["coming", "past", "next", "last", "previous",
                                                       "following", "same"]}},
                    {"LIKE_NUM": True, "OP": "?"}, {"LOWER": {"IN": unit_lower}}], "relative_date"),
        _p("DATE", [{"LOWER": "the"}, {"LOWER": "weekend"}], "relative_date"),
        _p("DATE", [{"LOWER": "recent"}, {"LOWER": {"IN": plural_units}}], "relative_date"),
        _p("DATE", [likenum, {"LOWER": {"IN": unit_lower}}], "relative_date"),
        _p("DATE", [likenum, {"LOWER": {"IN": unit_lower}}, {"LOWER": "ago"}], "relative_date"),
        _p("DATE", [{"TEXT": {"REGEX": r"^\d+$"}}, {"ORTH": "-"}, {"LOWER": {"IN": ["year", "month", "day", "week"]}},
                    {"ORTH": "-"}, {"LOWER": "old"}], "date"),
        _p("DATE", [{"LOWER": {"IN": ["years", "decades", "months", "weeks"]}}], "vague_date"),
        # Times.
        _p("TIME", [{"TEXT": {"REGEX": r"^\d{1,2}[:.]\d\d$"}},
                    {"LOWER": {"IN": ["a.m.", "p.m.", "am", "pm", "gmt", "utc"]}, "OP": "?"}], "number"),
        _p("TIME", [{"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"LOWER": {"IN": ["a.m.", "p.m.", "am", "pm"]}}], "number"),
        # Money, percentages, quantities.
        _p("MONEY", [{"ORTH": {"IN": list(lx.CURRENCY_SYMBOLS)}}, likenum,
                     {"LOWER": {"IN": list(lx.SCALE_WORDS)}, "OP": "?"}], "number"),
        _p("MONEY", [likenum, {"LOWER": {"IN": list(lx.SCALE_WORDS)}, "OP": "?"},
                     {"LOWER": {"IN": list(lx.CURRENCY_WORDS)}}], "number"),
        _p("PERCENT", [likenum, {"ORTH": "%"}], "number"),
        _p("PERCENT", [likenum, {"LOWER": {"IN": ["percent", "pct"]}}], "number"),
        _p("PERCENT", [likenum, {"LOWER": "per"}, {"LOWER": "cent"}], "number"),
        _p("PERCENT", [{"TEXT": {"REGEX": r"^\d+(\.\d+)?%$"}}], "number"),
        _p("QUANTITY", [likenum, {"LOWER": {"IN": list(lx.SCALE_WORDS)}, "OP": "?"},
                        {"LOWER": {"IN": list(lx.UNITS)}}], "number"),
        _p("QUANTITY", [likenum, {"LOWER": "square"}, {"LOWER": {"IN": list(lx.UNITS)}}], "number"),
        # Cardinals and ordinals.
        _p("CARDINAL", [{"TEXT": {"REGEX": r"^(?!(1[5-9]\d\d|20\d\d)$)(" + _NUMBER + ")$"}}], "number"),
        _p("CARDINAL", [num, {"LOWER": {"IN": list(lx.SCALE_WORDS)}}], "number"),
        _p("CARDINAL", [{"LOWER": {"IN": list(lx.NUMBER_WORDS)}}], "number"),
        _p("ORDINAL", [{"LOWER": {"IN": list(lx.ORDINAL_WORDS)}}], "number"),
        _p("ORDINAL", [{"TEXT": {"REGEX": r"^\d+(st|nd|rd|th)$"}}], "number"),
    ]
    return p


def gazetteer_patterns() -> list[dict]:
    patterns = []
    for label, name in lx.load_gazetteers():
        patterns.append({"label": label, "pattern": name, "id": "gazetteer"})
        if label == "GPE" and name.upper() != name and len(name) > 3:
            # Datelines: "ANKARA", "TRIPOLI".
            patterns.append({"label": label, "pattern": name.upper(), "id": "gazetteer"})
    return patterns


#: Spaces that typesetters put inside names and numbers to keep them on one line.
_AS_SPACE = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " "})


class _NoBreakSpacesAsSpaces:
    """spaCy's tokenizer splits on " " alone: a no-break space becomes a token of its own, which cut
    "José\u00a0García" into two people and hid "New\u00a0York" from the gazetteer. The rules read
    such a space as a space: one code point for one, so every offset is the text's own."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        return self.tokenizer(text.translate(_AS_SPACE))

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = _NoBreakSpacesAsSpaces(nlp.tokenizer)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(gazetteer_patterns() + number_patterns())
    nlp.add_pipe("marginalia_names")
    nlp.add_pipe("marginalia_claims")
    nlp.meta["name"] = NAME
    nlp.meta["version"] = str(VERSION)
    nlp.meta["description"] = "Marginalia's builtin rules: gazetteers, patterns, name and claim cues"
    return nlp
