"""The Meeting Guide spec's vocabulary: type codes (what each means for peer's fields) and the
fellowships (the topics and audience each implies), shared by the JSON feed and the plugin CSV.
"""

from __future__ import annotations

import re

from peercli.importers.records import ImportFileError

TYPE_NAMES = {
    '11': '11th Step Meditation', '12x12': '12 Steps & 12 Traditions', 'A': 'Secular',
    'ABSI': 'As Bill Sees It', 'AF': 'Afrikaans', 'AL': 'Concurrent with Alateen',
    'AL-AN': 'Concurrent with Al-Anon', 'AM': 'Amharic', 'AR': 'Arabic',
    'ASL': 'American Sign Language', 'B': 'Big Book', 'BA': 'Babysitting Available',
    'BE': 'Newcomer', 'BG': 'Bulgarian', 'BI': 'Bisexual', 'BRK': 'Breakfast', 'C': 'Closed',
    'CAN': 'Candlelight', 'CF': 'Child-Friendly', 'D': 'Discussion', 'DA': 'Danish',
    'DB': 'Digital Basket', 'DD': 'Dual Diagnosis', 'DE': 'German', 'DR': 'Daily Reflections',
    'EL': 'Greek', 'EN': 'English', 'FA': 'Persian', 'FI': 'Finnish', 'FF': 'Fragrance Free',
    'FR': 'French', 'G': 'Gay', 'GR': 'Grapevine', 'H': 'Birthday', 'HE': 'Hebrew', 'HI': 'Hindi',
    'HR': 'Croatian', 'HU': 'Hungarian', 'IS': 'Icelandic', 'ITA': 'Italian', 'JA': 'Japanese',
    'KA': 'Georgian', 'KOR': 'Korean', 'L': 'Lesbian', 'LGBTQ': 'LGBTQ', 'LIT': 'Literature',
    'LS': 'Living Sober', 'LT': 'Lithuanian', 'M': 'Men', 'MED': 'Meditation', 'ML': 'Malayalam',
    'MT': 'Maltese', 'N': 'Native American', 'NB': 'Non-Binary', 'NDG': 'Indigenous',
    'NE': 'Nepali', 'NL': 'Dutch', 'NO': 'Norwegian', 'O': 'Open', 'OUT': 'Outdoor',
    'P': 'Professionals', 'POA': 'Proof of Attendance', 'POC': 'People of Color', 'POL': 'Polish',
    'POR': 'Portuguese', 'PUN': 'Punjabi', 'RUS': 'Russian', 'S': 'Spanish', 'SEN': 'Seniors',
    'SK': 'Slovak', 'SL': 'Slovenian', 'SM': 'Smoking Permitted', 'SP': 'Speaker',
    'ST': 'Step Study', 'SV': 'Swedish', 'T': 'Transgender', 'TC': 'Location Temporarily Closed',
    'TH': 'Thai', 'TL': 'Tagalog', 'TR': 'Tradition Study', 'TUR': 'Turkish', 'UK': 'Ukrainian',
    'W': 'Women', 'X': 'Wheelchair Access', 'XB': 'Wheelchair-Accessible Bathroom',
    'XT': 'Cross Talk Permitted', 'Y': 'Young People',
    'ONL': 'Online Meeting', 'BV-I': 'Blind / Visually Impaired',
    'D-HOH': 'Deaf / Hard of Hearing', 'QSL': 'Quebec Sign Language',
    'RSL': 'Russian Sign Language', 'LO-I': 'Loners / Isolationists',
}
# English names (and the plugin's older spellings) back to codes, for the plugin CSV.
TYPE_CODES_BY_NAME = {name.casefold(): code for code, name in TYPE_NAMES.items()}
TYPE_CODES_BY_NAME.update({
    "online": "ONL", "temporary closure": "TC", "temporarily closed": "TC",
    "lgbtqiaa+": "LGBTQ", "young people": "Y", "wheelchair accessible": "X",
    "open meeting": "O", "closed meeting": "C", "newcomers": "BE", "beginners": "BE",
    "sign language": "ASL", "seniors": "SEN", "non binary": "NB",
})

AUDIENCE_CODES = {
    "W": "women", "M": "men", "LGBTQ": "lgbtq", "G": "lgbtq", "L": "lgbtq", "BI": "lgbtq",
    "T": "lgbtq", "NB": "lgbtq", "Y": "young-adults", "SEN": "older-adults", "POC": "bipoc",
    "N": "indigenous", "NDG": "indigenous", "P": "professionals", "D-HOH": "deaf",
}
ACCESS_CODES = {
    "X": "wheelchair", "XB": "accessible-toilet", "ASL": "asl", "QSL": "asl", "RSL": "asl",
    "BA": "childcare", "CF": "childcare", "FF": "scent-free",
}
LANGUAGE_CODES = {
    "S": "es", "EN": "en", "FR": "fr", "JA": "ja", "POL": "pl", "RUS": "ru", "AF": "af",
    "AM": "am", "AR": "ar", "BG": "bg", "DA": "da", "DE": "de", "EL": "el", "FA": "fa",
    "FI": "fi", "HE": "he", "HI": "hi", "HR": "hr", "HU": "hu", "IS": "is", "ITA": "it",
    "KA": "ka", "KOR": "ko", "LT": "lt", "ML": "ml", "MT": "mt", "NE": "ne", "NL": "nl",
    "NO": "no", "POR": "pt", "PUN": "pa", "SK": "sk", "SL": "sl", "SV": "sv", "TH": "th",
    "TL": "tl", "TUR": "tr", "UK": "uk",
}
TOPIC_CODES = {"DD": "dual diagnosis"}
_HANDLED = {"O", "C", "BE", "ONL", "TC"} | set(AUDIENCE_CODES) | set(ACCESS_CODES) | set(
    LANGUAGE_CODES) | set(TOPIC_CODES)

FELLOWSHIPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # fellowship -> (topic terms, audience tags)
    "aa": (("alcohol-recovery",), ()),
    "na": (("drug-recovery",), ()),
    "ca": (("drug-recovery",), ()),
    "al-anon": (("family-members",), ("family-members",)),
    # The rest of the 12 Step Meeting List plugin's programs (its tsml_programs keys).
    "aca": (("family-members", "trauma"), ()),
    "cma": (("drug-recovery",), ()),
    "coda": (("recovery-general",), ()),
    "cea-how": (("eating-disorders",), ()),
    "da": (("recovery-general",), ()),
    "daa": (("drug-recovery",), ()),
    "ea": (("recovery-general",), ()),
    "eda": (("eating-disorders",), ()),
    "ga": (("gambling",), ()),
    "ha": (("drug-recovery",), ()),
    "ma": (("drug-recovery",), ()),
    "oa": (("eating-disorders",), ()),
    "pal": (("family-members",), ("family-members",)),
    "rca": (("recovery-general",), ()),
    "rd": (("drug-recovery", "mindfulness"), ()),
    "rr": (("drug-recovery", "mindfulness"), ()),
    "sa": (("recovery-general",), ()),
    "saa": (("recovery-general",), ()),
    "sca": (("recovery-general",), ()),
    "slaa": (("recovery-general",), ()),
    "sg": (("peer-support-general",), ()),
    "sia": (("sexual-violence", "trauma"), ()),
    "ua": (("recovery-general",), ()),
    "va": (("recovery-general",), ()),
}
_FELLOWSHIP_ALIASES = {
    "alcoholics anonymous": "aa", "narcotics anonymous": "na", "cocaine anonymous": "ca",
    "alanon": "al-anon", "al anon": "al-anon", "alateen": "al-anon",
    "adult children of alcoholics": "aca", "crystal meth anonymous": "cma",
    "co-dependents anonymous": "coda", "codependents anonymous": "coda",
    "debtors anonymous": "da", "drug addicts anonymous": "daa", "emotions anonymous": "ea",
    "eating disorders anonymous": "eda", "gamblers anonymous": "ga", "heroin anonymous": "ha",
    "marijuana anonymous": "ma", "overeaters anonymous": "oa",
    "parents of addicted loved ones": "pal", "recovering couples anonymous": "rca",
    "recovery dharma": "rd", "refuge recovery": "rr", "sexaholics anonymous": "sa",
    "sex addicts anonymous": "saa", "sexual compulsives anonymous": "sca",
    "sex and love addicts anonymous": "slaa", "support groups": "sg",
    "survivors of incest anonymous": "sia", "underearners anonymous": "ua",
    "violence anonymous": "va",
}


def normalize_fellowship(value: str) -> str:
    key = " ".join(value.casefold().replace("_", " ").split())
    key = _FELLOWSHIP_ALIASES.get(key, key)
    if key not in FELLOWSHIPS:
        raise ImportFileError(
            f"unknown fellowship '{value}' (expected one of: {', '.join(FELLOWSHIPS)})"
        )
    return key


def guess_fellowship(name: str) -> str:
    """From a feed's file name: "al-anon-...", "alateen" -> al-anon; "na-...", "narcotics" ->
    na; "ca-..." -> ca; anything else -> aa."""
    words = " " + re.sub(r"[^a-z0-9]+", " ", name.casefold()) + " "
    if re.search(r" al ?anon | alateen ", words):
        return "al-anon"
    if " na " in words or "narcotics" in words:
        return "na"
    if " ca " in words or "cocaine" in words:
        return "ca"
    return "aa"
