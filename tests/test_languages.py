"""ISO 639-1 language normalization."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.errors import PeerError
from peercli.core.languages import (
    LANGUAGES,
    LanguageError,
    is_sign_language,
    language_codes,
    language_name,
    normalize_language,
    normalize_languages,
)

SAMPLE_CSV = Path(__file__).resolve().parents[1] / "data" / "groups.sample.csv"


def test_table_is_large_and_well_formed() -> None:
    assert len(LANGUAGES) >= 60
    codes = language_codes()
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z]{2}", code) for code in codes)


def test_no_name_or_code_means_two_languages() -> None:
    owners: dict[str, str] = {}
    for language in LANGUAGES:
        for phrase in (language.code, language.name, *language.native, *language.aliases):
            assert normalize_language(phrase) == language.code, phrase
            key = phrase.casefold()
            assert owners.setdefault(key, language.code) == language.code, phrase


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("es", "es"),
        ("Spanish", "es"),
        ("Español", "es"),
        ("spa", "es"),
        ("Chinese", "zh"),
        ("Mandarin", "zh"),
        ("Cantonese", "zh"),
        ("zho", "zh"),
        ("Tagalog", "tl"),
        ("Filipino", "tl"),
        ("Haitian Creole", "ht"),
        ("Kreyòl ayisyen", "ht"),
        ("Somali", "so"),
        ("Arabic", "ar"),
        ("Vietnamese", "vi"),
        ("Tiếng Việt", "vi"),
        ("Korean", "ko"),
        ("Russian", "ru"),
        ("Ukrainian", "uk"),
        ("Farsi", "fa"),
        ("Persian", "fa"),
        ("Dari", "fa"),
        ("Portuguese", "pt"),
        ("French", "fr"),
        ("fre", "fr"),
        ("Polish", "pl"),
        ("Hindi", "hi"),
        ("Urdu", "ur"),
        ("Bengali", "bn"),
        ("Bangla", "bn"),
        ("Punjabi", "pa"),
        ("Amharic", "am"),
        ("Tigrinya", "ti"),
        ("Swahili", "sw"),
        ("Nepali", "ne"),
        ("Burmese", "my"),
        ("Khmer", "km"),
        ("Cambodian", "km"),
        ("English", "en"),
    ],
)
def test_required_languages(text: str, code: str) -> None:
    assert normalize_language(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ESPAÑOL", "es"),
        ("espanol", "es"),
        ("  spanish  ", "es"),
        ("ES", "es"),
        ("tieng viet", "vi"),
        ("es-MX", "es"),
        ("pt_BR", "pt"),
        ("zh-Hant-TW", "zh"),
        ("Chinese (Cantonese)", "zh"),
        ("Spanish language", "es"),
        ("English only", "en"),
        ("中文", "zh"),
    ],
)
def test_case_accents_tags_and_decorations(text: str, code: str) -> None:
    assert normalize_language(text) == code


@pytest.mark.parametrize("text", ["ASL", "asl", "American Sign Language", "BSL", "sign language"])
def test_sign_languages_are_access_needs(text: str) -> None:
    assert is_sign_language(text)
    with pytest.raises(LanguageError) as caught:
        normalize_language(text)
    assert "--access asl" in str(caught.value)
    assert f"'{text}'" in str(caught.value)
    assert caught.value.value == text


def test_unknown_language_message() -> None:
    with pytest.raises(LanguageError) as caught:
        normalize_language("Klingon")
    assert str(caught.value) == (
        "unknown language 'Klingon' (use a name like Spanish or an ISO 639-1 code like es)"
    )
    assert caught.value.value == "Klingon"
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, PeerError)


@pytest.mark.parametrize("text", ["Hmong", "", "xx", "Spanglish", "e"])
def test_no_639_1_code_is_refused(text: str) -> None:
    with pytest.raises(LanguageError):
        normalize_language(text)
    assert not is_sign_language(text)


@pytest.mark.parametrize(
    ("items", "codes"),
    [
        ("English; Spanish", ("en", "es")),
        ("English and Spanish", ("en", "es")),
        ("Spanish/English", ("es", "en")),
        ("English & Vietnamese | fr", ("en", "vi", "fr")),
        ("es, Spanish, Español, spa", ("es",)),
        (["English", "Spanish, Somali"], ("en", "es", "so")),
        ("", ()),
        ([], ()),
        (" ; , ", ()),
    ],
)
def test_normalize_languages(items: str | list[str], codes: tuple[str, ...]) -> None:
    assert normalize_languages(items) == codes


def test_normalize_languages_raises_on_the_bad_item() -> None:
    with pytest.raises(LanguageError) as caught:
        normalize_languages("English; Elvish; Spanish")
    assert caught.value.value == "Elvish"
    with pytest.raises(LanguageError, match="--access asl"):
        normalize_languages("English, ASL")


def test_language_name() -> None:
    assert language_name("es") == "Spanish"
    assert language_name("ZH") == "Chinese"
    assert language_name("ht") == "Haitian Creole"
    assert language_name("qq") == "qq"
    for code in language_codes():
        assert normalize_language(language_name(code)) == code


@given(
    st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=6),
    st.lists(st.sampled_from([", ", ";", " / ", "|", " and ", " & "]), min_size=6, max_size=6),
    st.lists(st.sampled_from(["name", "code", "upper", "native"]), min_size=6, max_size=6),
)
def test_joined_lists_round_trip(
    languages: list, separators: list[str], spellings: list[str]
) -> None:
    parts = []
    for language, how in zip(languages, spellings, strict=False):
        text = {
            "name": language.name,
            "code": language.code,
            "upper": language.name.upper(),
            "native": language.native[0] if language.native else language.name,
        }[how]
        parts.append(text)
    joined = parts[0] + "".join(
        sep + part for sep, part in zip(separators, parts[1:], strict=False)
    )
    expected = tuple(dict.fromkeys(language.code for language in languages))
    assert normalize_languages(joined) == expected


@given(st.text(max_size=25))
def test_normalize_language_only_raises_language_error(text: str) -> None:
    try:
        code = normalize_language(text)
    except LanguageError as error:
        assert error.value == text.strip()
    else:
        assert code in language_codes()


def test_every_sample_languages_cell_normalizes() -> None:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as handle:
        cells = [row["languages"] for row in csv.DictReader(handle)]
    found = {code for cell in cells for code in normalize_languages(cell)}
    assert {"en", "es", "vi"} <= found
