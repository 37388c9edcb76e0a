"""Language names as people write them ("Spanish", "Español", "es", "spa", "Farsi") turned into
ISO 639-1 codes, and back into English names for display.

Pure module. Sign languages have no ISO 639-1 code and are recorded as an access need
(`--access asl`), so they are refused here with a message that says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from peercli.core.errors import PeerError


@dataclass(frozen=True)
class Language:
    """One ISO 639-1 language: its English name, names in the language itself, and other
    spellings and ISO 639-2/639-3 codes that mean it."""

    code: str
    name: str
    native: tuple[str, ...]
    aliases: tuple[str, ...]


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _lang(code: str, name: str, native: str = "", aliases: str = "") -> Language:
    return Language(code, name, _split_names(native), _split_names(aliases))


# code, English name, native name(s), other names + ISO 639-2 (B and T) / 639-3 codes.
LANGUAGES: tuple[Language, ...] = (
    _lang("en", "English", "English", "eng, american, american english, british english"),
    _lang("es", "Spanish", "Español, Castellano", "spa, castilian, espanol latino"),
    _lang("fr", "French", "Français", "fra, fre, francais"),
    _lang("de", "German", "Deutsch", "deu, ger"),
    _lang("it", "Italian", "Italiano", "ita"),
    _lang("pt", "Portuguese", "Português", "por, brazilian portuguese, brazilian"),
    _lang("ru", "Russian", "Русский", "rus"),
    _lang("uk", "Ukrainian", "Українська", "ukr"),
    _lang("pl", "Polish", "Polski", "pol"),
    _lang("ro", "Romanian", "Română", "ron, rum, moldovan, mol"),
    _lang("hu", "Hungarian", "Magyar", "hun"),
    _lang("cs", "Czech", "Čeština", "ces, cze"),
    _lang("sk", "Slovak", "Slovenčina", "slk, slo"),
    _lang("sl", "Slovenian", "Slovenščina", "slv, slovene"),
    _lang("hr", "Croatian", "Hrvatski", "hrv"),
    _lang("sr", "Serbian", "Српски, Srpski", "srp, serbo-croatian"),
    _lang("bs", "Bosnian", "Bosanski", "bos"),
    _lang("bg", "Bulgarian", "Български", "bul"),
    _lang("mk", "Macedonian", "Македонски", "mkd, mac"),
    _lang("sq", "Albanian", "Shqip", "sqi, alb, als"),
    _lang("el", "Greek", "Ελληνικά", "ell, gre"),
    _lang("tr", "Turkish", "Türkçe", "tur"),
    _lang("hy", "Armenian", "Հայերեն", "hye, arm"),
    _lang("ka", "Georgian", "ქართული", "kat, geo"),
    _lang("az", "Azerbaijani", "Azərbaycanca", "aze, azeri"),
    _lang("kk", "Kazakh", "Қазақша", "kaz"),
    _lang("uz", "Uzbek", "Oʻzbekcha", "uzb"),
    _lang("ky", "Kyrgyz", "Кыргызча", "kir, kirghiz"),
    _lang("tg", "Tajik", "Тоҷикӣ", "tgk"),
    _lang("fa", "Persian", "فارسی", "fas, per, pes, farsi, dari, prs, afghan persian"),
    _lang("ps", "Pashto", "پښتو", "pus, pashtu"),
    _lang("ar", "Arabic", "العربية", "ara, arb"),
    _lang("he", "Hebrew", "עברית", "heb, ivrit"),
    _lang("yi", "Yiddish", "ייִדיש", "yid"),
    _lang("ku", "Kurdish", "Kurdî, کوردی", "kur, kmr, ckb, kurmanji, sorani"),
    _lang("am", "Amharic", "አማርኛ", "amh"),
    _lang("ti", "Tigrinya", "ትግርኛ", "tir, tigrigna"),
    _lang("om", "Oromo", "Afaan Oromoo", "orm, gaz, afan oromo"),
    _lang("so", "Somali", "Soomaali, Af-Soomaali", "som"),
    _lang("sw", "Swahili", "Kiswahili", "swa, swh"),
    _lang("yo", "Yoruba", "Yorùbá", "yor"),
    _lang("ig", "Igbo", "Asụsụ Igbo", "ibo"),
    _lang("ha", "Hausa", "Harshen Hausa", "hau"),
    _lang("rw", "Kinyarwanda", "Ikinyarwanda", "kin, rwandan"),
    _lang("rn", "Kirundi", "Ikirundi", "run, rundi"),
    _lang("ln", "Lingala", "Lingála", "lin"),
    _lang("wo", "Wolof", "Wolof", "wol"),
    _lang("ff", "Fula", "Fulfulde, Pulaar", "ful, fuc, fulani, fulah"),
    _lang("ak", "Akan", "Akan", "aka, twi, fante"),
    _lang("zu", "Zulu", "isiZulu", "zul"),
    _lang("xh", "Xhosa", "isiXhosa", "xho"),
    _lang("sn", "Shona", "chiShona", "sna"),
    _lang("ny", "Chichewa", "Chicheŵa", "nya, chewa, nyanja"),
    _lang("af", "Afrikaans", "Afrikaans", "afr"),
    _lang("hi", "Hindi", "हिन्दी", "hin"),
    _lang("ur", "Urdu", "اردو", "urd"),
    _lang("bn", "Bengali", "বাংলা, Bangla", "ben"),
    _lang("pa", "Punjabi", "ਪੰਜਾਬੀ, پنجابی", "pan, pnb, panjabi"),
    _lang("gu", "Gujarati", "ગુજરાતી", "guj"),
    _lang("mr", "Marathi", "मराठी", "mar"),
    _lang("ta", "Tamil", "தமிழ்", "tam"),
    _lang("te", "Telugu", "తెలుగు", "tel"),
    _lang("kn", "Kannada", "ಕನ್ನಡ", "kan"),
    _lang("ml", "Malayalam", "മലയാളം", "mal"),
    _lang("ne", "Nepali", "नेपाली", "nep, npi, nepalese"),
    _lang("si", "Sinhala", "සිංහල", "sin, sinhalese"),
    _lang("my", "Burmese", "မြန်မာဘာသာ", "mya, bur, myanmar"),
    _lang("km", "Khmer", "ភាសាខ្មែរ", "khm, cambodian"),
    _lang("lo", "Lao", "ພາສາລາວ", "lao, laotian"),
    _lang("th", "Thai", "ไทย, ภาษาไทย", "tha"),
    _lang("vi", "Vietnamese", "Tiếng Việt", "vie"),
    _lang(
        "zh",
        "Chinese",
        "中文, 汉语, 漢語, 普通话, 普通話, 粵語, 粤语, 廣東話",
        "zho, chi, cmn, yue, mandarin, cantonese, putonghua, guoyu, mandarin chinese,"
        " cantonese chinese, simplified chinese, traditional chinese",
    ),
    _lang("ja", "Japanese", "日本語", "jpn"),
    _lang("ko", "Korean", "한국어, 조선말", "kor"),
    _lang("mn", "Mongolian", "Монгол хэл", "mon, khk"),
    _lang("id", "Indonesian", "Bahasa Indonesia", "ind"),
    _lang("ms", "Malay", "Bahasa Melayu", "msa, may, zsm"),
    _lang("tl", "Tagalog", "Tagalog, Wikang Tagalog", "tgl, filipino, pilipino, fil"),
    _lang("ht", "Haitian Creole", "Kreyòl ayisyen", "hat, haitian, kreyol, creole"),
    _lang("nl", "Dutch", "Nederlands", "nld, dut, flemish"),
    _lang("sv", "Swedish", "Svenska", "swe"),
    _lang("no", "Norwegian", "Norsk, Bokmål, Nynorsk", "nor, nob, nno, nb, nn"),
    _lang("da", "Danish", "Dansk", "dan"),
    _lang("fi", "Finnish", "Suomi", "fin"),
    _lang("is", "Icelandic", "Íslenska", "isl, ice"),
    _lang("et", "Estonian", "Eesti", "est, ekk"),
    _lang("lv", "Latvian", "Latviešu", "lav, lvs"),
    _lang("lt", "Lithuanian", "Lietuvių", "lit"),
    _lang("ga", "Irish", "Gaeilge", "gle, irish gaelic"),
    _lang("cy", "Welsh", "Cymraeg", "cym, wel"),
    _lang("eu", "Basque", "Euskara", "eus, baq"),
    _lang("ca", "Catalan", "Català", "cat, valencian"),
    _lang("gl", "Galician", "Galego", "glg"),
    _lang("mt", "Maltese", "Malti", "mlt"),
    _lang("qu", "Quechua", "Runa Simi", "que"),
    _lang("gn", "Guarani", "Avañeʼẽ", "grn"),
    _lang("sm", "Samoan", "Gagana Sāmoa", "smo"),
    _lang("to", "Tongan", "Lea faka-Tonga", "ton"),
    _lang("mi", "Maori", "Te Reo Māori", "mri, mao"),
    _lang("ch", "Chamorro", "Finuʼ Chamoru", "cha"),
    _lang("mh", "Marshallese", "Kajin M̧ajeļ", "mah"),
)

# Sign languages: no ISO 639-1 code; peer records them as an access need.
_SIGN_LANGUAGES = frozenset(
    {
        "asl",
        "ase",
        "american sign language",
        "sign language",
        "sign",
        "signing",
        "bsl",
        "british sign language",
        "lsf",
        "lsm",
        "lengua de senas",
        "lengua de senas mexicana",
        "pse",
        "pidgin signed english",
        "signed english",
        "protactile",
    }
)
# Trailing words people add that do not change the language: "Spanish language", "Spanish only".
_NOISE_WORDS = frozenset(
    {"language", "languages", "speaking", "speaker", "speakers", "only", "lang"}
)
_LIST_SPLIT = re.compile(r"\s*(?:[,;/|\n]|\band\b|&)\s*", re.IGNORECASE)
_LOCALE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})+$")
_PAREN = re.compile(r"^(.*?)\s*\((.*)\)\s*$")


class LanguageError(PeerError, ValueError):
    """A language that could not be read; `value` is the text as given."""

    def __init__(self, message: str, value: str) -> None:
        super().__init__(message)
        self.value = value


def _key(text: str) -> str:
    """Lowercase, no accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[^\W_]+", stripped.replace("ʻ", "").replace("ʼ", "")))


def _build_index() -> tuple[dict[str, str], dict[str, str]]:
    index: dict[str, str] = {}
    names: dict[str, str] = {}
    for language in LANGUAGES:
        names[language.code] = language.name
        for phrase in (language.code, language.name, *language.native, *language.aliases):
            key = _key(phrase)
            owner = index.setdefault(key, language.code)
            if owner != language.code:  # pragma: no cover - guarded by a test
                raise AssertionError(f"{phrase!r} names both {owner} and {language.code}")
    return index, names


_INDEX, _NAMES = _build_index()


def is_sign_language(text: str) -> bool:
    """True for ASL and other sign languages, which are access needs rather than languages."""
    key = _key(text)
    return key in _SIGN_LANGUAGES or key.endswith(" sign language")


def _lookup(key: str) -> str | None:
    code = _INDEX.get(key)
    if code is not None:
        return code
    words = key.split()
    trimmed = [word for word in words if word not in _NOISE_WORDS]
    if trimmed and trimmed != words:
        code = _INDEX.get(" ".join(trimmed))
        if code is not None:
            return code
    return None


def normalize_language(text: str) -> str:
    """The ISO 639-1 code for a language as written: "Spanish", "español", "ES", "spa", "es-MX",
    "Chinese (Cantonese)". Raises LanguageError for anything else, including sign languages."""
    raw = text.strip()
    if is_sign_language(raw):
        raise LanguageError(
            f"'{raw}' is a sign language, which peer records as an access need, not a language"
            " (use --access asl)",
            raw,
        )
    key = _key(raw)
    code = _lookup(key) if key else None
    if code is None:
        tag = _LOCALE_TAG.match(raw.lower())
        if tag:
            code = _INDEX.get(tag.group(1))
    if code is None:
        paren = _PAREN.match(raw)
        if paren:
            for part in (paren.group(1), paren.group(2)):
                code = _lookup(_key(part))
                if code is not None:
                    break
    if code is None:
        raise LanguageError(
            f"unknown language '{raw}' (use a name like Spanish or an ISO 639-1 code like es)",
            raw,
        )
    return code


def normalize_languages(items: str | Iterable[str]) -> tuple[str, ...]:
    """Codes for a list of languages: a string (and each item of a list) is split on
    "," ";" "/" "|" "&" and "and". Duplicates dropped, order kept; the first unreadable item
    raises LanguageError."""
    raw = [items] if isinstance(items, str) else list(items)
    codes: dict[str, None] = {}
    for item in raw:
        for part in _LIST_SPLIT.split(item):
            if part.strip():
                codes.setdefault(normalize_language(part), None)
    return tuple(codes)


def language_name(code: str) -> str:
    """The English name for a code ("es" -> "Spanish"); an unknown code is returned as given."""
    return _NAMES.get(code.strip().lower(), code)


def language_codes() -> tuple[str, ...]:
    """Every ISO 639-1 code this module knows, in table order."""
    return tuple(language.code for language in LANGUAGES)
