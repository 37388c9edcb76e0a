"""The same group from two sources: an intergroup's Meeting Guide feed and a county sheet that
lists some of the same meetings spelt differently; a BMLT feed and a Google Calendar export.
One group row, the second source's listing linked to it; never two genuinely different
meetings merged (same church and time but another fellowship or audience; the same group on
another day; another time)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.samegroup import identity, link_key, name_words, same_group, street_key
from peercli.core.schedule import Meeting

FIX = Path(__file__).parent / "fixtures" / "samegroup"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00:00")


def _names(peer: Any) -> list[str]:
    return sorted(g["name"] for g in peer.json("group", "list"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_feed_then_county_sheet(peer: Any) -> None:
    feed = peer.json("group", "import", str(FIX / "intergroup.json"), "--fellowship", "aa")
    assert feed["inserted"] == 9 and feed["same_group"] == 0
    county = peer.json("group", "import", str(FIX / "county.csv"))
    linked = {s["name"]: s for s in county["same_groups"]}
    assert county["same_group"] == 5 and county["inserted"] == 3
    assert set(linked) == {"Sunrise Serenity Group", "NOON STEP STUDY (AA)",
                           "Big Book Study - Tues.", "Hope Group", "Zoom Sobriety"}
    assert all(s["listed_by"] == "meetingguide:intergroup" for s in linked.values())
    assert linked["Zoom Sobriety"]["reason"] == "same name, schedule and meeting link"
    groups = {g["id"]: g for g in peer.json("group", "list")}
    assert len(groups) == 12
    assert groups[linked["Big Book Study - Tues."]["group_id"]]["name"] == "Tuesday Night Big Book"
    hope = groups[linked["Hope Group"]["group_id"]]
    assert hope["schedule"] == ["Mon 19:00-20:00"]  # Monday's, not Thursday's
    names = _names(peer)
    # kept apart: Al-Anon's Serenity Seekers (same church, same hour), Keep It Simple at 18:30
    # (another time), the women's meeting at the same church and hour, and a new group
    assert names.count("Serenity Seekers") == 2 and names.count("Keep It Simple") == 2
    assert "Women's Big Book" in names and "Riverton Dual Recovery" in names
    # the same sheet again under another name: every listing is a group already there
    out = peer("group", "import", str(FIX / "county.csv"), "--source", "county-copy")
    human = out.stdout + out.stderr
    assert "0 inserted" in human
    assert "8 listings are groups another source already lists" in human
    assert "Sunrise Serenity Group = #1 of meetingguide:intergroup" in human
    assert len(peer.json("group", "list")) == 12


def test_county_first_then_feed_links_the_other_way(peer: Any) -> None:
    peer("group", "import", str(FIX / "county.csv"))
    feed = peer.json("group", "import", str(FIX / "intergroup.json"), "--fellowship", "aa")
    assert feed["same_group"] == 5 and feed["inserted"] == 4
    assert {s["listed_by"] for s in feed["same_groups"]} == {"county"}
    assert len(peer.json("group", "list")) == 12


def test_reimport_refresh_and_dry_run(peer: Any, db_path: Path) -> None:
    peer("group", "import", str(FIX / "intergroup.json"), "--fellowship", "aa")
    peer("group", "import", str(FIX / "county.csv"))
    before = _digest(db_path)
    dry = peer.json("group", "import", str(FIX / "county.csv"), "--source", "other",
                    "--dry-run")
    assert dry["same_group"] == 8 and dry["inserted"] == 0 and not dry["written"]
    assert _digest(db_path) == before
    again = peer.json("group", "import", str(FIX / "county.csv"))
    assert (again["unchanged"], again["inserted"], again["same_group"]) == (8, 0, 0)
    assert again["changes"] == []
    sources = {s["name"]: s for s in peer.json("group", "sources")}
    assert sources["county"]["groups"] == 8 and sources["county"]["same_group_links"] == 5
    listed = {g["name"] for g in peer.json("group", "list", "--source", "county")}
    assert "Tuesday Night Big Book" in listed and "Riverton Dual Recovery" in listed
    shown = peer.json("group", "show", "Tuesday Night")
    assert shown["also_listed_by"] == [{
        "source": "county", "source_key": "C3", "name": "Big Book Study - Tues.",
        "reason": "same name, schedule and address"}]
    assert "also listed" in peer("group", "show", "Tuesday Night").stdout


def test_match_shows_the_group_once(peer: Any) -> None:
    peer("group", "import", str(FIX / "intergroup.json"), "--fellowship", "aa")
    peer("group", "import", str(FIX / "county.csv"))
    person = peer.json("consumer", "add", "Jo", "--interests", "alcohol recovery",
                       "--available", "Tue 18:00-21:00", "--formats", "in_person")
    matches = peer.json("match", str(person["id"]), "--limit", "20")
    names = [m["name"] for m in matches]
    assert names.count("Tuesday Night Big Book") == 1
    assert "Big Book Study - Tues." not in names
    big_book = next(m for m in matches if m["name"] == "Tuesday Night Big Book")
    assert big_book["sources"] == ["meetingguide:intergroup", "county"]


def test_a_source_dropping_the_group_hands_it_over(peer: Any, tmp_path: Path) -> None:
    feed = tmp_path / "intergroup.json"
    shutil.copy(FIX / "intergroup.json", feed)
    peer("group", "import", str(feed), "--fellowship", "aa")
    county = tmp_path / "county.csv"
    shutil.copy(FIX / "county.csv", county)
    peer("group", "import", str(county))
    gid = peer.json("group", "show", "Noon Step")["id"]
    peer.json("consumer", "add", "Lee", "--consent", "all")
    peer("refer", "Lee", str(gid))
    rows = [r for r in json.loads(feed.read_text()) if r["slug"] != "noon-step-study"]
    feed.write_text(json.dumps(rows))
    result = peer.json("group", "refresh", "meetingguide:intergroup")[0]
    assert result["retired"] == 0  # the county still lists it
    assert not any(c["what"] == "gone" for c in result["changes"])
    kept = peer.json("group", "show", str(gid))
    assert kept["status"] == "active" and kept["source"] == "county"
    assert kept["source_key"] == "C2" and kept["also_listed_by"] == []
    assert not any("Noon Step" in d["reason"] for d in peer.json("due"))
    # the county re-imported: its listing of the group is its own now, unchanged
    again = peer.json("group", "import", str(county))
    assert again["unchanged"] == 8 and again["inserted"] == 0

    # the county drops a linked listing (--retire-missing): the link goes, the group stays
    lines = [x for x in county.read_text().splitlines() if not x.startswith("C1,")]
    county.write_text("\n".join(lines) + "\n")
    dropped = peer.json("group", "import", str(county), "--retire-missing")
    assert dropped["retired"] == 0
    sunrise = peer.json("group", "show", "Sunrise Serenity")
    assert sunrise["status"] == "active" and sunrise["also_listed_by"] == []


def test_a_linked_listing_that_changes_day_becomes_its_own_group(peer: Any,
                                                                  tmp_path: Path) -> None:
    peer("group", "import", str(FIX / "intergroup.json"), "--fellowship", "aa")
    county = tmp_path / "county.csv"
    county.write_text((FIX / "county.csv").read_text())
    peer("group", "import", str(county))
    text = county.read_text().replace("C5,Hope Group,Mondays 7-8 pm", "C5,Hope Group,Tue 7-8 pm")
    county.write_text(text)
    result = peer.json("group", "import", str(county))
    assert result["inserted"] == 1 and result["same_group"] == 0
    hopes = [g for g in peer.json("group", "list") if g["name"] == "Hope Group"]
    assert sorted(g["schedule"][0] for g in hopes) == ["Mon 19:00-20:00", "Thu 19:00-20:00",
                                                       "Tue 19:00-20:00"]
    # a cosmetic change to a linked listing keeps the link (counted as updated)
    text = county.read_text().replace("Sunrise Serenity Group,", "Sunrise Serenity Group AA,")
    county.write_text(text)
    cosmetic = peer.json("group", "import", str(county))
    assert cosmetic["updated"] == 1 and cosmetic["inserted"] == 0 and cosmetic["changes"] == []


def test_bmlt_feed_and_a_calendar(peer: Any) -> None:
    peer("group", "import", str(FIX / "na-area.json"))
    cal = peer.json("group", "import", str(FIX / "na-calendar.ics"))
    linked = {s["name"]: s for s in cal["same_groups"]}
    assert set(linked) == {"Clean and Serene NA", "Just for Today (online)"}
    assert cal["inserted"] == 1  # Nar-Anon: same church and hour, another fellowship
    groups = {g["id"]: g for g in peer.json("group", "list")}
    clean = groups[linked["Clean and Serene NA"]["group_id"]]
    assert clean["schedule"] == ["Tue 19:00-20:30"]  # not the Friday meeting of the group
    assert len(groups) == 5


# -- the rule itself -----------------------------------------------------------------------------

TUE7 = (Meeting("WEEKLY", 1, ("TU",), 19 * 60, 20 * 60),)


def ident(name: str, **kw: Any) -> Any:
    kw.setdefault("meetings", TUE7)
    return identity(name=name, **kw)


@pytest.mark.parametrize("a, b", [
    ("431 Osprey Way", "431 osprey way, Room 2"),
    ("Alano Club, 431 Osprey Way", "431 Osprey Way Rm. 2"),
    ("12 N. Main St.", "12 North Main Street"),
    ("88 Fernbrook Ln.", "88 Fernbrook Lane, Suite 100"),
    ("1115 West St.", "1115 W Street"),
    ("5 Mt. Vernon Blvd", "5 Mount Vernon Boulevard"),
])
def test_street_spellings(a: str, b: str) -> None:
    assert street_key(a) == street_key(b) is not None


@pytest.mark.parametrize("a, b", [
    ("12 Main St", "14 Main St"), ("12 Main St", "12 Main Ave"), ("12 Oak St", "12 N Oak St"),
])
def test_different_streets(a: str, b: str) -> None:
    assert street_key(a) != street_key(b)


def test_links() -> None:
    assert link_key("https://us02web.zoom.us/j/81234567890?pwd=x") == link_key(
        "zoom.us/j/81234567890") == "zoom:81234567890"
    assert link_key("https://www.meet.google.com/abc-defg-hij/") == "meet.google.com/abc-defg-hij"
    assert link_key(None) is None


def test_fellowship_in_a_name() -> None:
    from peercli.core.samegroup import name_fellowships

    assert name_fellowships("Al-Anon Serenity Group") == {"family-members"}
    assert name_fellowships("Serenity Group (AA)") == {"alcohol-recovery"}
    assert name_fellowships("Clean and Serene NA") == {"drug-recovery"}
    assert name_fellowships("Nar-Anon Family Group") == {"family-members"}
    assert name_fellowships("Banana Bread Club") == frozenset()
    aa = ident("Serenity Group", address="5 Elm St", topics=("alcohol-recovery",))
    assert same_group(aa, ident("Serenity Group AA", address="5 Elm Street"))
    assert same_group(aa, ident("Al-Anon Serenity Group", address="5 Elm Street")) is None


def test_name_words() -> None:
    assert name_words("The Tuesday Night Big Book Group") == ("big", "book")
    assert name_words("St. Mark's AA Meeting") == name_words("Saint Marks")
    assert name_words("Café Serenidad") == ("cafe", "serenidad")


@pytest.mark.parametrize("a, b", [
    ("Sunrise Serenity", "Sunrise Serenity Group"),
    ("Clean & Serene", "Clean and Serene NA"),
    ("Serenity Seekers", "Serenity Seekrs"),  # a typo
    ("Big Book Study - Tues.", "Tuesday Night Big Book"),
])
def test_same(a: str, b: str) -> None:
    x = ident(a, address="12 Oak St", city="Riverton")
    y = ident(b, address="12 Oak Street", city="riverton")
    assert same_group(x, y) and same_group(y, x)


@pytest.mark.parametrize("b_name, b_kw", [
    ("Women's Big Book", {}),  # adds who it is for
    ("Big Book", {"meetings": (Meeting("WEEKLY", 1, ("WE",), 19 * 60, 20 * 60),)}),  # day
    ("Big Book", {"meetings": (Meeting("WEEKLY", 1, ("TU",), 19 * 60 + 30, 21 * 60),)}),
    ("Big Book", {"topics": ("family-members",)}),  # Al-Anon at the same hour
    ("Big Book", {"audience": ("men",)}),
    ("Big Book", {"address": "14 Oak St"}),
    ("Big Book", {"city": "Springfield"}),
    ("Big Book", {"postal_code": "97477"}),
    ("Big Book", {"format": "online", "online_url": "https://zoom.us/j/123456789"}),
    ("Literature Study", {}),
    ("Al-Anon Tuesday Night Big Book", {"topics": ()}),  # the fellowship is in the name
    ("Big Book (Nar-Anon)", {"topics": ()}),
    ("Big Book", {"meetings": (Meeting("WEEKLY", 1, ("TU",), 19 * 60, 20 * 60,
                                       approximate=True, part_of_day="evening"),)}),
])
def test_not_same(b_name: str, b_kw: dict[str, Any]) -> None:
    a = ident("Tuesday Night Big Book", address="12 Oak St", city="Riverton",
              postal_code="97401", topics=("alcohol-recovery",), audience=("women",))
    kw: dict[str, Any] = {"address": "12 Oak Street", "city": "Riverton",
                          "postal_code": "97401", "topics": ("alcohol-recovery",)}
    kw.update(b_kw)
    b = ident(b_name, **kw)
    if b is None:
        return  # a listing without a confirmed time is never matched
    assert same_group(a, b) is None and same_group(b, a) is None


def test_coordinates_and_venue_when_a_street_is_missing() -> None:
    a = ident("Hope", address="Grace Church", latitude=44.0501, longitude=-123.0901)
    b = ident("Hope Group", address="Grace Church Hall, 5 Pine St", latitude=44.0505,
              longitude=-123.0903)
    assert same_group(a, b) == "same name, schedule and place (coordinates)"
    far = ident("Hope Group", address="5 Pine St", latitude=44.06, longitude=-123.09)
    assert same_group(a, far) is None
    c = ident("Hope", address="St. Mark's Episcopal Church")
    d = ident("Hope", address="Saint Marks Episcopal Church, Fellowship Hall")
    assert same_group(c, d) == "same name, schedule and venue"


def test_weekday_slots_as_one_meeting_or_five() -> None:
    days = ("MO", "TU", "WE", "TH", "FR")
    one = ident("Sunrise", meetings=(Meeting("WEEKLY", 1, days, 420, 480),), address="1 A St")
    five = ident("Sunrise", meetings=tuple(Meeting("WEEKLY", 1, (d,), 420, 480) for d in days),
                 address="1 A Street")
    assert same_group(one, five)


_WORDS = st.sampled_from(["hope", "serenity", "big", "book", "women's", "group", "tuesday",
                          "new", "life", "step", "study", "st.", "&", "aa"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=4), st.lists(_WORDS, min_size=1, max_size=4),
       st.sampled_from(["12 Oak St", "12 Oak Street, Room 4", "14 Oak St", "Grace Church", None]),
       st.sampled_from(["12 Oak St", "12 oak st.", None]),
       st.sampled_from([(), ("alcohol-recovery",), ("family-members",)]),
       st.sampled_from([(), ("women",)]))
def test_the_rule_is_symmetric(a: list[str], b: list[str], addr_a: str | None,
                               addr_b: str | None, topics: tuple[str, ...],
                               audience: tuple[str, ...]) -> None:
    x = ident(" ".join(a), address=addr_a, topics=topics)
    y = ident(" ".join(b), address=addr_b, audience=audience, topics=("alcohol-recovery",))
    assert (same_group(x, y) is None) == (same_group(y, x) is None)
