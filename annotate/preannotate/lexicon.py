"""Word lists for the builtin rules, and the gazetteers in ``seeds/gazetteers``.

Everything here is compared with spaCy's ``LOWER`` attribute (``token.lower_``) or with the
token text itself, never by lower-casing the document: ``"İ".lower()`` is two code points,
so lower-casing a text would shift every offset after it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from annotate.seeds import seeds_dir


def gazetteer_dir() -> Path:
    return seeds_dir() / "gazetteers"


@lru_cache(maxsize=4)
def load_gazetteers(folder: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(label, name)`` pairs from ``LABEL-anything.txt`` files (``#`` starts a comment)."""
    base = Path(folder) if folder else gazetteer_dir()
    entries: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted(base.glob("*.txt")):
        label = path.name.split("-", 1)[0]
        for line in path.read_text(encoding="utf-8").splitlines():
            name = line.strip()
            if not name or name.startswith("#"):
                continue
            if (label, name) not in seen:
                seen.add((label, name))
                entries.append((label, name))
    return tuple(entries)


#: Words that stand before a name and make it a person ("Foreign Minister Sergei Lavrov",
#: "dictator Moamer Kadhafi"); compared lower-cased.
PERSON_TITLES = frozenset("""
president vice-president premier minister ministers spokesman spokeswoman spokesperson general gen. gen
chancellor king queen prince princess sheikh sheik emir crown mr. mrs. ms. dr. mr mrs ms dr sir lord lady
senator sen. rep. congressman congresswoman ambassador envoy secretary secretary-general commander leader
dictator chief head colonel col. marshal pope premier governor mayor judge prosecutor professor prof.
sultan ayatollah imam cardinal bishop rabbi archbishop captain capt. admiral lieutenant lt. sergeant sgt.
director chairman chairwoman chair ceo founder warlord strongman militant activist journalist analyst
adviser advisor aide deputy lawmaker mp candidate opponent rival counterpart diplomat officer official
negotiator mediator president-elect emeritus field-marshal brigadier major
""".split())

#: Nouns of an apposition that tell what the name before it is ("Sirte, a coastal city").
APPOSITION_CUES = {
    "PERSON": PERSON_TITLES - {"head", "chief", "leader", "rival", "opponent", "counterpart"}
              | {"man", "woman", "loyalist", "defector", "politician", "businessman", "businesswoman",
                 "veteran", "father", "mother", "son", "daughter", "wife", "husband", "brother", "sister"},
    "GPE": {"city", "town", "capital", "village", "port", "province", "country", "state", "nation",
            "district", "municipality", "gateway", "stronghold", "hometown", "enclave", "kingdom",
            "republic", "emirate"},
    "ORG": {"group", "company", "agency", "party", "militia", "organisation", "organization", "firm",
            "bank", "newspaper", "broadcaster", "alliance", "coalition", "movement", "faction",
            "ministry", "union", "bloc", "network", "channel"},
}

#: Last (or any) words that make a capitalised sequence an organisation.
ORG_KEYWORDS = frozenset("""
Ministry Ministries Army Armies Forces Force Navy Council Party Government Administration Agency Bank
Union Organization Organisation Organizations Company Corporation Corp Corp. Inc Inc. Ltd Ltd. Group
Committee Commission Court Tribunal University College Institute Association Federation League
Airlines Airways Authority Assembly Parliament Senate Congress Office Department Bureau Directorate
Service Services Front Movement Brigade Brigades Battalion Militia Alliance Coalition Foundation Fund
Network News Press Times Post Herald Journal Agence Channel Television Radio Broadcasting
Police Guard Guards Command Cabinet Presidency Secretariat Mission Programme Program Centre Center
Council Board Corps Unit Division Network Bloc Club Society Trust Holdings Partners Industries
Securities Capital Systems Lines Mining Motors Energy Technologies Pharmaceuticals Telecom Media Insurance
Investments Ventures Foods Steel Petroleum Oil Power Electric Logistics Shipping Chemicals Labs Software
Solutions Exchange Chamber Hospital Clinic School Academy Forum Resistance Air Railways Bancorp Brands
""".split())

#: Last words of a facility's name (OntoNotes FAC: buildings, airports, highways, bridges).
FAC_KEYWORDS = frozenset("""
Airport Airbase Bridge Stadium Arena Square Palace Prison Highway Motorway Expressway Tower Station Tunnel
Cathedral Mosque Temple Synagogue Avenue Boulevard Street Dam Terminal Pier Stadion
""".split())

#: Common nouns that, just before a name, say it is an organisation ("retail group Brightmart",
#: "the shipping company Meridian Lines", "rival club X").
ORG_DESCRIPTORS = frozenset("""
group company firm maker carrier airline bank lender insurer retailer chain club side team militia party
union agency broadcaster newspaper daily operator giant conglomerate startup start-up supplier manufacturer
producer developer publisher charity organisation organization movement faction coalition alliance
network regulator watchdog exchange university school hospital institute rivals champions outfit
automaker carmaker miner brewer conglomerate consultancy fund
""".split())

#: Words of sports clubs' names ("Ravenna City", "Sporting Ravenna", "Inter Faenza"), read as such
#: only in a text about sport (see SPORTS_CUES), since "City" and "Real" mean other things elsewhere.
SPORTS_NAME_WORDS = frozenset("""
City United Athletic Atletico Athletico Rovers Wanderers Sporting Inter Real Dynamo Dinamo Olympique Racing
Albion Town County Hotspur Villa Rangers Celtic Juventus FC AFC SC AC CF CD SK FK BK
""".split())
SPORTS_CUES = frozenset("""
match league goal goals coach striker derby cup season goalkeeper penalty midfielder defender squad referee
stadium fans scored kick-off championship tournament draw drew beat title semi-final quarter-final
""".split())

#: Capitalised words that are not names when they stand alone (mostly sentence starts).
NOT_NAMES = frozenset("""
the a an this that these those there here it its he she they we i you his her their our my your
in on at of for to from by with without about after before during since until while when where
what which who whom whose why how but and or nor so yet if then than as also however although
though because despite meanwhile moreover furthermore instead still even only just not no yes
asked given tensions according under over between among against toward towards into onto upon
mr mrs ms dr some many most more much all both each every any other another such several few
one two three four five six seven eight nine ten first second third last next new old former
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
january february march april may june july august september october november december
read reading see look please note update updated breaking exclusive photo video editor s
""".split())

#: Words between capitalised words that may stay inside an organisation's name.
ORG_CONNECTORS = frozenset({"of", "for", "and", "de", "du", "des", "la", "le"})

#: Lower-case particles inside people's and places' names ("Fayez al-Sarraj", "Ludwig van Beethoven").
NAME_PARTICLES = frozenset({"al", "el", "ad", "as", "ash", "at", "az", "ibn", "bin", "bint", "abu", "van",
                            "von", "der", "den", "de", "da", "di", "du", "la", "le", "dos", "das", "ben"})

#: Prepositions after which an unknown capitalised word is most often a place.
PLACE_PREPOSITIONS = frozenset({"in", "toward", "towards", "near", "into", "outside", "around", "across",
                                "throughout", "to", "from", "via", "at"})

#: Nouns before "of" that announce a place ("the towns of Sirte and al-Jufra").
PLACE_OF_NOUNS = frozenset({"town", "towns", "city", "cities", "capital", "province", "provinces", "region",
                            "regions", "outskirts", "port", "village", "villages", "district", "suburbs",
                            "streets", "centre", "center", "south", "north", "east", "west"})

#: Reporting verbs; the claim type they suggest (statement unless listed).
REPORTING_VERBS = frozenset("""
said says say saying told tells tell accused accuses accusing reiterated reiterates added adds noted notes
stressed stresses warned warns claimed claims insisted insists argued argues announced announces stated
states declared declares underlined underlines underscored underscores emphasised emphasized emphasises
emphasizes explained explains asserted asserts maintained maintains denied denies alleged alleges vowed
vows pledged pledges promised promises predicted predicts urged urges confirmed confirms believes
believed blamed blames criticised criticized criticizes criticises acknowledged acknowledges admitted
admits wrote writes tweeted reported reports suggested suggests estimated estimates recalled recalls
threatened threatens rejected rejects dismissed dismisses condemned condemns
reiterate underline stress warn insist argue announce declare deny accuse emphasise emphasize explain assert
maintain allege predict urge confirm believe blame criticise criticize acknowledge admit suggest recall
""".split())

CLAIM_TYPE_BY_VERB = {
    **{v: "accusation" for v in ("accused", "accuses", "accusing", "alleged", "alleges", "blamed", "blames",
                                 "condemned", "condemns", "criticised", "criticized", "criticizes",
                                 "criticises")},
    **{v: "prediction" for v in ("warned", "warns", "predicted", "predicts", "estimated", "estimates",
                                 "threatened", "threatens")},
    **{v: "commitment" for v in ("vowed", "vows", "pledged", "pledges", "promised", "promises")},
    **{v: "opinion" for v in ("believes", "believed", "argued", "argues")},
}

#: Words that make a claim an accusation whatever verb reports it.
ACCUSATION_CUES = frozenset("""
aggression putschist putschists illegitimate jeopardizing jeopardising jeopardize jeopardise unreliable spoiled
blame blamed blames accusing accuse criticize criticise terrorist terrorists corrupt corruption atrocities
massacre massacres lied lying sabotage sabotaged betrayed betrayal violated violating looted crimes
""".split())
#: Modals and evaluations that make a claim an opinion when they are in its main clause.
OPINION_CUES = frozenset("should must ought best worst wrong right-thing needs".split())
FIRST_PERSON = frozenset({"we", "i"})
FUTURE = frozenset({"will", "shall", "'ll", "’ll"})

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.",
          "Sep.", "Sept.", "Oct.", "Nov.", "Dec.")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
                "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "dozen",
                "dozens", "hundreds", "thousands", "millions", "billions")
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                 "tenth", "eleventh", "twelfth", "twentieth", "hundredth")
SCALE_WORDS = ("thousand", "million", "billion", "trillion", "bn", "m", "mn")
CURRENCY_SYMBOLS = ("$", "€", "£", "¥", "₺", "US$")
CURRENCY_WORDS = ("dollar", "dollars", "euro", "euros", "pound", "pounds", "lira", "liras", "lire", "yen",
                  "yuan", "rubles", "roubles", "ruble", "rouble", "dinar", "dinars", "riyal", "riyals",
                  "dirham", "dirhams", "francs", "rupees", "usd", "eur", "gbp", "try")
UNITS = ("kilometers", "kilometres", "kilometer", "kilometre", "km", "miles", "mile", "meters", "metres",
         "meter", "metre", "m2", "feet", "foot", "tons", "tonnes", "ton", "tonne", "kilograms", "kilogrammes",
         "kg", "pounds", "barrels", "barrel", "litres", "liters", "gallons", "hectares", "acres", "square",
         "bpd", "megawatts", "mw", "gigawatts", "degrees", "nautical")
DATE_UNITS = ("day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades",
              "century", "centuries", "weekend", "morning", "afternoon", "evening", "night")
RELATIVE_DATE_WORDS = ("last", "next", "this", "past", "coming", "previous", "following", "same", "that",
                       "early", "late", "mid", "earlier", "recent")
