"""The topic vocabulary (shipped data, normalization, user extension) and the shipped sample CSV."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.errors import PeerError
from peercli.core.topics import (
    CATEGORIES,
    Normalized,
    Topic,
    Vocabulary,
    VocabularyError,
    match_key,
    slugify,
)
from peercli.importers.userfiles import load_vocabulary, user_topics_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "data" / "groups.sample.csv"
SAMPLE_HEADER = (
    "id,name,organization,description,topics,schedule,days,time,end_time,format,address,city,"
    "postal_code,latitude,longitude,online_url,languages,facilitation,audience,accessibility,cost,"
    "phone,email,website,notes,status"
)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


# -- the shipped data ------------------------------------------------------------------------

REQUIRED_SLUGS = [
    "anxiety",
    "depression",
    "bipolar",
    "hearing-voices",
    "psychosis",
    "ocd",
    "eating-disorders",
    "self-harm",
    "suicide-loss",
    "grief",
    "trauma",
    "ptsd",
    "alcohol-recovery",
    "drug-recovery",
    "dual-diagnosis",
    "smoking-cessation",
    "gambling",
    "harm-reduction",
    "family-members",
    "caregivers",
    "parents",
    "lgbtq",
    "veterans",
    "women",
    "men",
    "young-adults",
    "older-adults",
    "chronic-pain",
    "chronic-illness",
    "hiv",
    "cancer",
    "diabetes",
    "disability",
    "deaf",
    "domestic-violence",
    "loneliness",
    "employment",
    "housing",
    "art",
    "walking",
    "gardening",
    "music",
    "cooking",
    "games",
    "faith",
    "mindfulness",
    "exercise",
    "writing",
    "reading",
    "crafts",
    "nature",
    "recovery-general",
    "peer-support-general",
]


def test_shipped_vocabulary_is_large_and_covers_every_category(vocab: Vocabulary) -> None:
    assert len(vocab.topics) >= 45
    assert {topic.category for topic in vocab.topics} == set(CATEGORIES)
    assert len(CATEGORIES) == 8


def test_every_required_slug_is_shipped(vocab: Vocabulary) -> None:
    missing = [slug for slug in REQUIRED_SLUGS if vocab.get(slug) is None]
    assert missing == []


def test_topics_are_well_formed(vocab: Vocabulary) -> None:
    slugs = [topic.slug for topic in vocab.topics]
    assert len(slugs) == len(set(slugs))
    for topic in vocab.topics:
        assert slugify(topic.slug) == topic.slug
        assert topic.label.strip() and topic.label[0].isupper(), topic.slug
        assert topic.category in CATEGORIES
        for synonym in topic.synonyms:
            assert synonym == synonym.lower().strip(), (topic.slug, synonym)
            assert "  " not in synonym


def test_vocabulary_is_unambiguous(vocab: Vocabulary) -> None:
    """No slug, label or synonym (compared the way input is) belongs to two topics."""
    owners: dict[str, set[str]] = defaultdict(set)
    for topic in vocab.topics:
        for phrase in (topic.slug, topic.label, *topic.synonyms):
            owners[match_key(phrase)].add(topic.slug)
    ambiguous = {key: slugs for key, slugs in owners.items() if len(slugs) > 1}
    assert ambiguous == {}
    assert vocab.conflicts() == ()


def test_conflicts_are_detected_and_the_first_topic_keeps_the_phrase() -> None:
    vocab = Vocabulary(
        (
            Topic("grief", "Grief", "grief-trauma", ("loss",)),
            Topic("job-loss", "Job loss", "other", ("Loss", "laid off")),
        )
    )
    assert vocab.conflicts() == (("Loss", "grief", "job-loss"),)
    assert vocab.normalize_one("losses") == ("grief", True)
    assert vocab.normalize_one("laid off") == ("job-loss", True)


def test_shipped_json_shape() -> None:
    data = json.loads((ROOT / "src/peercli/data/topics.json").read_text(encoding="utf-8"))
    assert data["categories"] == list(CATEGORIES)
    for entry in data["topics"]:
        assert set(entry) == {"slug", "label", "category", "synonyms"}


# -- normalize_one -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("bereavement", "grief"),
        ("loss", "grief"),
        ("widowed", "grief"),
        ("mourning", "grief"),
        ("Grief and loss", "grief"),
        ("sobriety", "alcohol-recovery"),
        ("AA", "alcohol-recovery"),
        ("alcohol", "alcohol-recovery"),
        ("Alcoholics Anonymous", "alcohol-recovery"),
        ("drinking", "alcohol-recovery"),
        ("NA", "drug-recovery"),
        ("narcotics anonymous", "drug-recovery"),
        ("opioids", "drug-recovery"),
        ("Al-Anon", "family-members"),
        ("Nar-Anon", "family-members"),
        ("families", "family-members"),
        ("survivors of suicide loss", "suicide-loss"),
        ("co-occurring", "dual-diagnosis"),
        ("WRAP", "recovery-general"),
        ("wellness recovery", "recovery-general"),
        ("peer support", "peer-support-general"),
        ("LGBTQ+", "lgbtq"),
        ("social connection", "loneliness"),
        ("book club", "reading"),
        ("outdoors", "nature"),
        ("sports", "exercise"),
        ("hearing loss", "deaf"),
        ("Chronic Pain", "chronic-pain"),
    ],
)
def test_required_synonyms(vocab: Vocabulary, text: str, slug: str) -> None:
    assert vocab.normalize_one(text) == (slug, True)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("  GRIEF  ", "grief"),
        ("Eating-Disorders", "eating-disorders"),
        ("eating disorder", "eating-disorders"),
        ("Parent", "parents"),
        ("Veteran", "veterans"),
        ("al anon", "family-members"),
        ("alanon", "family-members"),
        ("women's", "women"),
        ("Arts & Crafts", "crafts"),
        ("Families", "family-members"),
        ("anxieties", "anxiety"),
        ("DEPRESIÓN", "depression"),
    ],
)
def test_matching_ignores_case_space_punctuation_and_plurals(
    vocab: Vocabulary, text: str, slug: str
) -> None:
    assert vocab.normalize_one(text) == (slug, True)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("bereavment", "grief"),
        ("anxeity", "anxiety"),
        ("depresssion", "depression"),
        ("sobreity", "alcohol-recovery"),
        ("gardenning", "gardening"),
        ("schizophrena", "psychosis"),
    ],
)
def test_close_misspellings_are_recognised(vocab: Vocabulary, text: str, slug: str) -> None:
    assert vocab.normalize_one(text) == (slug, True)


@pytest.mark.parametrize("text", ["gref", "anx", "artz", "trian", "klingon opera"])
def test_short_or_distant_words_are_not_guessed(vocab: Vocabulary, text: str) -> None:
    assert vocab.normalize_one(text) == (slugify(text), False)


def test_filler_words_do_not_hide_the_topic(vocab: Vocabulary) -> None:
    assert vocab.normalize_one("Anxiety Support Group") == ("anxiety", True)
    assert vocab.normalize_one("Grief circle") == ("grief", True)
    assert vocab.normalize_one("support group") == ("peer-support-general", True)


def test_unknown_is_kept_as_its_slug(vocab: Vocabulary) -> None:
    assert vocab.normalize_one("Money Management!") == ("money-management", False)
    assert vocab.normalize_one("") == ("", False)
    assert vocab.normalize_one("  ;  ") == ("", False)


# -- normalize (lists) -------------------------------------------------------------------------


def test_normalize_string_splits_dedupes_and_reports_unknown(vocab: Vocabulary) -> None:
    result = vocab.normalize("Grief; bereavement, money management | AA /sobriety; grief")
    assert result == Normalized(
        slugs=("grief", "money-management", "alcohol-recovery"), unknown=("money-management",)
    )


def test_normalize_iterable_keeps_order(vocab: Vocabulary) -> None:
    result = vocab.normalize(["walking", "Art, music", "walks", "pottery"])
    assert result.slugs == ("walking", "art", "music", "crafts")
    assert result.unknown == ()


def test_slash_splits_unless_the_whole_phrase_is_known(vocab: Vocabulary) -> None:
    assert vocab.normalize("AA/NA").slugs == ("alcohol-recovery", "drug-recovery")
    assert vocab.normalize("HIV/AIDS").slugs == ("hiv",)


def test_and_joined_phrases_split_only_when_a_part_is_known(vocab: Vocabulary) -> None:
    assert vocab.normalize("Anxiety & Depression").slugs == ("anxiety", "depression")
    assert vocab.normalize("Depression and Bipolar").slugs == ("depression", "bipolar")
    # a known phrase with "and" stays whole
    assert vocab.normalize("friends and family").slugs == ("family-members",)
    # nothing known: kept as one unknown topic, not two
    assert vocab.normalize("Salsa and Tango") == Normalized(
        slugs=("salsa-and-tango",), unknown=("salsa-and-tango",)
    )
    # a known part and an unknown part: both kept, the unknown reported
    assert vocab.normalize("Grief & Tango") == Normalized(
        slugs=("grief", "tango"), unknown=("tango",)
    )


def test_normalize_empty(vocab: Vocabulary) -> None:
    assert vocab.normalize("") == Normalized((), ())
    assert vocab.normalize([]) == Normalized((), ())
    assert vocab.normalize(" , ;; | ") == Normalized((), ())


# -- label, get, completions, slugify -----------------------------------------------------------


def test_label_get_and_completions(vocab: Vocabulary) -> None:
    assert vocab.label("grief") == "Grief and loss"
    assert vocab.label("money-management") == "Money management"
    assert vocab.get("grief") == Topic(
        "grief",
        "Grief and loss",
        "grief-trauma",
        vocab.get("grief").synonyms,  # type: ignore[union-attr]
    )
    assert vocab.get("nope") is None
    completions = vocab.completions()
    assert {"Grief and loss", "grief", "bereavement", "AA".lower()} <= set(completions)
    assert len(completions) == len(set(completions))
    assert completions.index("Grief and loss") < completions.index("grief")


def test_by_category_groups_every_topic(vocab: Vocabulary) -> None:
    grouped = vocab.by_category()
    assert list(grouped) == list(CATEGORIES)
    assert sum(len(topics) for topics in grouped.values()) == len(vocab.topics)
    assert "grief" in [t.slug for t in grouped["grief-trauma"]]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Chronic Pain!", "chronic-pain"),
        ("  LGBTQ+ ", "lgbtq"),
        ("Café Club", "cafe-club"),
        ("Men's group", "mens-group"),
        ("a -- b", "a-b"),
        ("!!!", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@given(st.text(max_size=40))
def test_slugify_properties(text: str) -> None:
    slug = slugify(text)
    assert slugify(slug) == slug
    assert slug == slug.strip("-")
    assert "--" not in slug
    assert slug == slug.casefold()
    assert not re.search(r"\s", slug)


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_normalize_one_total(text: str) -> None:
    vocab = load_vocabulary()
    slug, known = vocab.normalize_one(text)
    if known:
        assert vocab.get(slug) is not None
    else:
        assert slug == slugify(text)


@settings(max_examples=200)
@given(st.lists(st.text(max_size=20), max_size=6))
def test_normalize_list_properties(items: list[str]) -> None:
    result = load_vocabulary().normalize(items)
    assert len(result.slugs) == len(set(result.slugs))
    assert all(result.slugs)
    assert set(result.unknown) <= set(result.slugs)
    vocab = load_vocabulary()
    assert all((vocab.get(s) is None) == (s in result.unknown) for s in result.slugs)


def _phrases() -> list[tuple[str, str]]:
    return [
        (phrase, topic.slug)
        for topic in load_vocabulary().topics
        for phrase in (topic.slug, topic.label, *topic.synonyms)
    ]


@settings(max_examples=300)
@given(
    st.sampled_from(_phrases()),
    st.lists(st.booleans(), min_size=40, max_size=40),
    st.sampled_from(["", " ", "  ", "\t"]),
)
def test_every_phrase_survives_case_and_spacing_changes(
    pair: tuple[str, str], upper: list[bool], pad: str
) -> None:
    phrase, slug = pair
    mangled = "".join(c.upper() if flip else c for c, flip in zip(phrase, upper * 4, strict=False))
    mangled = pad + mangled.replace(" ", " " + pad) + pad
    assert load_vocabulary().normalize_one(mangled) == (slug, True)


# -- user extension file ------------------------------------------------------------------------


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_user_file_adds_topics_and_merges_synonyms(tmp_path: Path) -> None:
    extra = _write(
        tmp_path / "topics.json",
        {
            "topics": [
                {
                    "slug": "Pet Loss",
                    "label": "Pet loss",
                    "category": "grief-trauma",
                    "synonyms": ["Loss of a pet", "pet bereavement"],
                },
                {"slug": "grief", "synonyms": ["Sorrow", "heartbreak"]},
                {"slug": "hoarding-support", "synonyms": ["hoarding"]},
                {"slug": "dancing-club"},
            ]
        },
    )
    vocab = load_vocabulary(extra)
    pet = vocab.get("pet-loss")
    assert pet == Topic(
        "pet-loss", "Pet loss", "grief-trauma", ("loss of a pet", "pet bereavement")
    )
    # merged into a shipped topic: new synonyms added, old ones and the label kept
    grief = vocab.get("grief")
    assert grief is not None and grief.label == "Grief and loss"
    assert {"sorrow", "heartbreak", "bereavement", "widowed"} <= set(grief.synonyms)
    assert vocab.normalize_one("sorrow") == ("grief", True)
    assert vocab.normalize_one("bereavement") == ("grief", True)
    # the user's claim to a phrase wins, and the vocabulary stays unambiguous
    assert vocab.normalize_one("pet loss") == ("pet-loss", True)
    assert "pet loss" not in grief.synonyms
    assert vocab.normalize_one("hoarding") == ("hoarding-support", True)
    assert "hoarding" not in vocab.get("ocd").synonyms  # type: ignore[union-attr]
    assert vocab.conflicts() == ()
    # defaults for a bare new topic
    assert vocab.get("dancing-club") == Topic("dancing-club", "Dancing club", "other", ())
    # the shipped vocabulary is untouched
    assert load_vocabulary().normalize_one("pet loss") == ("grief", True)
    assert load_vocabulary().get("pet-loss") is None


def test_user_file_may_be_a_bare_list_and_is_cached_until_edited(tmp_path: Path) -> None:
    extra = _write(tmp_path / "topics.json", [{"slug": "birding-club", "synonyms": ["twitchers"]}])
    first = load_vocabulary(extra)
    assert load_vocabulary(extra) is first
    assert first.normalize_one("twitchers") == ("birding-club", True)
    _write(extra, [{"slug": "birding-club", "synonyms": ["twitchers", "bird nerds united"]}])
    second = load_vocabulary(extra)
    assert second.normalize_one("bird nerds united") == ("birding-club", True)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON (line 1, column 2"),
        ('{"topics": 3}', 'should hold {"topics": [...]}'),
        ('{"topics": [3]}', "topic 1 is not an object"),
        ('{"topics": [{"label": "No slug"}]}', "topic 1 needs a 'slug'"),
        ('{"topics": [{"slug": "x", "category": "fun"}]}', "category 'fun'; expected one of"),
        ('{"topics": [{"slug": "x", "synonyms": [1]}]}', "'synonyms' should be a list"),
        ('{"topics": [{"slug": "x", "synonyms": ["anxiety"]}]}', "which is the topic 'anxiety'"),
    ],
)
def test_bad_user_file_is_a_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    extra = tmp_path / "bad-topics.json"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(extra)
    assert expected in caught.value.message
    assert str(extra) in caught.value.message
    assert isinstance(caught.value, PeerError)


def test_missing_user_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="does not exist"):
        load_vocabulary(tmp_path / "absent.json")


def test_user_topics_path_is_in_the_config_dir(tmp_path: Path) -> None:
    path = user_topics_path()
    assert path.name == "topics.json"
    assert path.parent.name == "peer"
    assert tmp_path in path.parents  # conftest points XDG_CONFIG_HOME into tmp_path


# -- the shipped sample CSV --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_rows() -> list[dict[str, str]]:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sample_header_is_exact() -> None:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert ",".join(header) == SAMPLE_HEADER


def test_sample_rows_are_complete(sample_rows: list[dict[str, str]]) -> None:
    assert len(sample_rows) >= 42
    ids = [row["id"] for row in sample_rows]
    assert len(ids) == len(set(ids))
    for row in sample_rows:
        assert None not in row and None not in row.values(), row["id"]  # 26 fields exactly
        assert row["name"].strip(), row["id"]
        has_schedule = bool(row["schedule"].strip())
        has_split = bool(row["days"].strip() and row["time"].strip())
        assert has_schedule != has_split, row["id"]  # one form or the other, never both
    assert sum(1 for row in sample_rows if row["days"]) >= 3


def test_sample_spread(sample_rows: list[dict[str, str]]) -> None:
    statuses = [row["status"] for row in sample_rows]
    assert set(statuses) <= {"active", "inactive", ""}
    assert 3 <= statuses.count("inactive") <= 4
    formats = {row["format"] for row in sample_rows}
    assert {"In person", "Online", "Zoom", "Hybrid"} <= formats
    assert {"Spanish", "es", "English; Spanish", "Vietnamese"} <= {
        r["languages"] for r in sample_rows
    }
    assert {"Free", "$5 suggested donation", "$10"} <= {row["cost"] for row in sample_rows}
    online = [r for r in sample_rows if r["format"] in ("Online", "Zoom")]
    assert online and all(r["online_url"].startswith("https://") for r in online)
    assert all(not r["address"] for r in online)
    in_person = [r for r in sample_rows if r["format"].lower().startswith("in")]
    located = [r for r in in_person if r["latitude"]]
    assert len(located) >= len(in_person) - 2
    for row in located:  # one town: every point within a few km
        assert 44.0 < float(row["latitude"]) < 44.15
        assert -123.15 < float(row["longitude"]) < -123.0
    for row in sample_rows:
        assert not row["phone"] or re.fullmatch(r"\(541\) 555-01\d\d", row["phone"])
        assert not row["email"] or row["email"].endswith(".example.org")


def test_sample_topics_normalize(sample_rows: list[dict[str, str]], vocab: Vocabulary) -> None:
    unknown: set[str] = set()
    covered: set[str] = set()
    for row in sample_rows:
        result = vocab.normalize(row["topics"])
        assert result.slugs, row["id"]
        unknown.update(result.unknown)
        covered.update(result.slugs)
    assert unknown == {"money-management"}  # exactly one deliberate unknown topic
    wanted = {
        "anxiety",
        "depression",
        "bipolar",
        "grief",
        "alcohol-recovery",
        "drug-recovery",
        "dual-diagnosis",
        "trauma",
        "family-members",
        "caregivers",
        "parents",
        "lgbtq",
        "veterans",
        "young-adults",
        "older-adults",
        "chronic-pain",
        "hearing-voices",
        "walking",
        "art",
        "gardening",
        "cooking",
        "music",
    }
    assert wanted <= covered
    typed = {t.strip() for row in sample_rows for t in re.split(r"[;,]", row["topics"].lower())}
    assert {"aa", "sobriety", "bereavement", "widowed", "al-anon"} <= typed  # synonyms, not slugs


def test_sample_has_exactly_one_tuesday_evening_in_person_english_grief_group(
    sample_rows: list[dict[str, str]], vocab: Vocabulary
) -> None:
    def grief(row: dict[str, str]) -> bool:
        return "grief" in vocab.normalize(row["topics"]).slugs and row["status"] != "inactive"

    tuesday = [
        row["name"]
        for row in sample_rows
        if grief(row)
        and row["format"].lower().startswith("in")
        and "English" in row["languages"]
        and "tue" in (row["schedule"] + row["days"]).lower()
    ]
    assert tuesday == ["Tuesday Grief Circle"]
    circle = next(row for row in sample_rows if row["name"] == "Tuesday Grief Circle")
    assert circle["schedule"] == "Tuesdays 6:30-8pm"
    assert circle["facilitation"] == "Peer-led"
    assert "Newcomers welcome" in circle["notes"]
    others = [row for row in sample_rows if grief(row) and row["name"] != "Tuesday Grief Circle"]
    assert any("sat" in row["schedule"].lower() and row["format"] == "Online" for row in others)
