"""The directory formats of issue 11, from fixtures written for the project: BMLT, iCalendar,
HSDS 3.0 JSON, HSDS 1.1 tabular — detection, forcing, the rules each one reads by, and what it
reports."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.importers import detect_format, parse_file
from peercli.importers.records import ImportFileError

FIX = Path(__file__).parent / "fixtures"


def by_key(result):
    return {r.source_key: r for r in result.records}


def messages(result):
    return [w.message for w in result.warnings]


# -- BMLT ------------------------------------------------------------------------------------


def test_bmlt_detected_and_read_with_formats_file():
    path = FIX / "bmlt" / "search-array.json"
    assert detect_format(path) == "bmlt"
    result = parse_file(path, formats=FIX / "bmlt" / "formats.json")
    assert result.format == "bmlt" and not result.errors
    g = by_key(result)
    jft = g["101"]
    m = jft.meetings[0]
    # weekday_tinyint 1 = Sunday; 19:00 + 01:30
    assert (m.byday, m.start, m.end, m.timezone) == (("SU",), 19 * 60, 20 * 60 + 30, None)
    assert jft.open_to_newcomers is True and jft.format == "in_person"
    assert jft.address == "First Methodist Church, 1376 Olive St" and jft.city == "Eugene"
    assert jft.postal_code == "97401" and jft.latitude == pytest.approx(44.0464)
    assert "Basic Text" in jft.notes and "Basement" in jft.notes
    assert jft.topics == ("drug-recovery",) and jft.facilitation == "mutual-aid"
    women = g["102"]
    # "F" means women on this server: read through world_id W, not the key string
    assert women.audience == ("women",) and women.languages == ("es",)
    assert women.open_to_newcomers is False
    assert women.meetings[0].timezone == "America/Los_Angeles"
    assert women.meetings[0].byday == ("WE",)
    online = g["103"]
    assert online.format == "online" and online.online_url == "https://zoom.us/j/5551234567"
    assert online.latitude is None  # leftover coordinates of a virtual meeting are not kept
    assert online.meetings[0].byday == ("SA",)
    hybrid = g["104"]
    assert hybrid.format == "hybrid" and hybrid.accessibility == ("wheelchair",)
    phone = g["105"]
    assert phone.format == "online" and phone.online_phone == "+1 541-555-0199 PIN 4321"
    assert phone.online_url is None
    night = g["106"]
    assert night.meetings[0].end == 24 * 60
    assert g["107"].meetings[0].end - g["107"].meetings[0].start == 60
    assert g["108"].status == "inactive"  # TC, in person, no link
    assert g["109"].status == "inactive"
    numbers = g["110"]
    assert numbers.format == "online" and numbers.audience == ("lgbtq",)
    assert numbers.meetings[0].byday == ("TH",) and numbers.latitude is None
    text = " | ".join(messages(result))
    assert "runs past midnight" in text and "no duration_time" in text
    assert "format code 'XYZ'" in text and "published is 0" in text


def test_bmlt_without_formats_uses_stock_keys_and_says_so():
    result = parse_file(FIX / "bmlt" / "search-array.json")
    assert any("stock English key strings" in m for m in messages(result))
    g = by_key(result)
    assert g["101"].open_to_newcomers is True
    # "F" is not a stock key: kept in the notes, reported
    assert any("format code 'F'" in m for m in messages(result))


def test_bmlt_embedded_formats_and_jsonp():
    result = parse_file(FIX / "bmlt" / "search-with-formats.json")
    assert by_key(result)["102"].audience == ("women",)
    assert not any("stock English" in m for m in messages(result))
    jsonp = FIX / "bmlt" / "search.jsonp"
    assert detect_format(jsonp) == "bmlt"
    assert len(parse_file(jsonp).records) == 2


def test_bmlt_bad_rows_are_row_errors_with_lines():
    result = parse_file(FIX / "bmlt" / "bad-rows.json", format="bmlt")
    assert [r.source_key for r in result.records] == ["201"]
    text = [e.message for e in result.errors]
    assert any("weekday_tinyint '0' is not 1-7" in t for t in text)
    assert any("missing meeting_name" in t for t in text)
    assert any("start_time '7pm-ish'" in t for t in text)
    assert any("expected a JSON object" in t for t in text)
    assert all(e.line > 1 for e in result.errors[:3])


def test_bmlt_formats_file_alone_is_refused_clearly():
    with pytest.raises(ImportFileError, match="GetFormats"):
        detect_format(FIX / "bmlt" / "formats.json")
    with pytest.raises(ImportFileError, match="--formats"):
        parse_file(FIX / "bmlt" / "formats.json", format="bmlt")


def test_bmlt_formats_url_from_search_url():
    from peercli.importers.bmlt import formats_url

    url = ("https://bmlt.example.org/main_server/client_interface/json/"
           "?switcher=GetSearchResults&services=12")
    assert formats_url(url) == ("https://bmlt.example.org/main_server/client_interface/json/"
                                "?switcher=GetFormats&show_all=1")
    assert formats_url("https://example.org/feed.json") is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(
    st.sampled_from(["id_bigint", "meeting_name", "weekday_tinyint", "start_time",
                     "duration_time", "venue_type", "time_zone", "formats", "latitude",
                     "longitude", "published", "virtual_meeting_link"]),
    st.one_of(st.text(max_size=12), st.integers(-5, 30), st.none(), st.floats(allow_nan=True))),
    max_size=6))
def test_bmlt_never_crashes_on_odd_values(tmp_path_factory, meetings):
    path = tmp_path_factory.mktemp("b") / "odd.json"
    path.write_text(json.dumps(meetings), encoding="utf-8")
    result = parse_file(path, format="bmlt")
    assert len(result.records) + len(result.errors) == len(meetings)


# -- iCalendar -------------------------------------------------------------------------------


def ics(today: date = date(2026, 11, 1)):
    from peercli.importers.ics import open_ics

    return open_ics(FIX / "ics" / "recovery-calendar.ics", today=today).collect()


def test_ics_detected_and_recurring_events_become_groups():
    path = FIX / "ics" / "recovery-calendar.ics"
    assert detect_format(path) == "ics"
    result = ics()
    names = {r.name: r for r in result.records}
    tue = names["SMART Recovery Tuesday"].meetings[0]
    assert (tue.freq, tue.byday, tue.start, tue.end) == ("WEEKLY", ("TU",), 1110, 1200)
    assert tue.timezone == "America/Los_Angeles"
    # EXDATEs and the moved occurrence are kept as dates the meeting does not happen
    assert date(2026, 12, 29) in tue.exdates and date(2026, 11, 10) in tue.exdates
    every_other = names["Family & Friends (every other Thursday)"]
    assert every_other.meetings[0].interval == 2 and every_other.format == "online"
    assert every_other.online_url == "https://zoom.us/j/98765432100"
    first_sat = names["Recovery Dharma Day Retreat"].meetings[0]
    assert (first_sat.freq, first_sat.byday) == ("MONTHLY", ("1SA",))
    assert "Bring a lunch." in names["Recovery Dharma Day Retreat"].description
    outlook = names["Al-Anon First Thursday"]
    assert outlook.meetings[0].byday == ("1TH",)  # BYDAY=TH;BYSETPOS=1
    assert outlook.meetings[0].timezone == "America/New_York"  # Windows zone name
    assert outlook.format == "hybrid" and "teams.microsoft.com" in outlook.online_url
    assert "family-members" in outlook.topics
    grief = names["Grief Share Circle"].meetings[0]
    assert grief.until == date(2026, 12, 28)  # COUNT=52 from 2026-01-05
    assert grief.timezone == "America/Los_Angeles"  # floating: the calendar's zone
    late = names["Late Night Online Check-in"].meetings[0]
    assert late.byday == ("TU",) and late.start == 21 * 60  # Wed 05:00Z is Tue 21:00 in LA
    assert names["Midnight Meeting"].meetings[0].end == 1440
    assert names["SMART Recovery Tuesday"].organization == "Lane County SMART Recovery"


def test_ics_reports_every_event_it_does_not_turn_into_a_group():
    result = ics()
    text = " | ".join(messages(result))
    for expected in ("'Open House' (line", "a one-off event", "'Kickoff Night'",
                     "all-day event", "series ended on 2020-05-31", "FREQ=YEARLY",
                     "STATUS:CANCELLED", "BYSETPOS over several weekdays",
                     "BYSETPOS=1 with BYDAY=TH read as 1TH", "was moved to 2026-11-12"):
        assert expected in text, expected
    names = {r.name for r in result.records}
    assert not names & {"Open House", "Kickoff Night", "Recovery Awareness Day",
                        "Old Wednesday Group", "Anniversary Picnic", "Cancelled Series"}
    assert [e.message for e in result.errors] == [
        "event 'noname@example.org' (line 137): no SUMMARY (name)"]


def test_ics_next_meeting_skips_exdates():
    from peercli.core.schedule import next_meeting

    tue = next(r for r in ics().records if r.name == "SMART Recovery Tuesday").meetings
    # 2026-12-29 is an EXDATE: the next meeting after 2026-12-23 is 2027-01-12 (01-05 is too)
    assert next_meeting(tue, datetime(2026, 12, 23, 9, 0)) == datetime(2027, 1, 12, 18, 30)
    assert next_meeting(tue, datetime(2026, 11, 4)) == datetime(2026, 11, 17, 18, 30)


def test_ics_unreadable_file_is_one_clear_error(tmp_path):
    with pytest.raises(ImportFileError, match="not a readable iCalendar file"):
        parse_file(FIX / "ics" / "not-a-calendar.ics")


# -- HSDS 3.0 JSON ---------------------------------------------------------------------------


def test_hsds_json_service_list_page():
    path = FIX / "hsds_json" / "service_list.json"
    assert detect_format(path) == "hsds-json"
    result = parse_file(path)
    g = by_key(result)
    grief = g["svc-grief"]
    assert grief.meetings[0].byday == ("TU",) and len(grief.meetings) == 1
    assert grief.organization == "Cascade Hospice" and grief.topics == ("grief",)
    assert grief.address == "44 Oak Street" and grief.postal_code == "97401"
    assert grief.latitude == pytest.approx(44.0521) and grief.phone == "541-555-0100"
    assert grief.languages == ("es",) and grief.accessibility == ("wheelchair",)
    parents = g["svc-parents"]
    assert parents.format == "online" and parents.meetings[0].byday == ("1SA",)
    assert parents.meetings[0].until == date(2027, 12, 31)
    assert g["svc-noschedule"].meetings == ()  # schedule unknown
    assert g["svc-closed"].status == "inactive"
    assert {e.line for e in result.errors} and len(result.errors) == 2
    text = " | ".join(messages(result))
    assert "imported with the schedule unknown" in text and "Klingon" in text


def test_hsds_json_taxonomy_prefix_filter_and_single_service():
    result = parse_file(FIX / "hsds_json" / "service_list.json", taxonomy="PN-8100")
    assert "svc-food" not in by_key(result) and "svc-grief" in by_key(result)
    assert any("not under taxonomy PN-8100" in m for m in messages(result))
    single = parse_file(FIX / "hsds_json" / "single_service.json")
    assert [r.source_key for r in single.records] == ["svc-single"]


# -- HSDS 1.1 tabular ------------------------------------------------------------------------


def test_hsds_11_package_with_real_world_deviations():
    path = FIX / "hsds11"
    assert detect_format(path) == "hsds-1.1"
    result = parse_file(path)
    g = by_key(result)
    grief = g["s1"]
    assert (grief.meetings[0].byday, grief.meetings[0].start) == (("MO",), 18 * 60 + 30)
    assert grief.organization == "CASCADE BEREAVEMENT CENTER, INC."
    assert grief.description == "Peer support after a death.\n\nMeets at the library."
    assert grief.address == "100 W 10th Ave, Room 2" and grief.postal_code == "97401"
    assert "Schedule as listed: 6:30pm-8:30pm, Mon" in grief.notes
    assert g["s2"].description == "Weekly peer group – all welcome."
    assert g["s3"].meetings == ()
    late = g["s4"].meetings[0]
    assert late.end - late.start == 60
    numeric = g["s5"]
    assert sorted(m.byday[0] for m in numeric.meetings) == ["SU", "TU"]  # 2 = Tue, 7 = Sun
    assert numeric.status == "inactive"
    assert [e.message for e in result.errors] == ["services.csv line 7: missing name"]
    text = " | ".join(messages(result))
    assert "not after opens_at 9:00pm" in text and "repaired" in text
    assert "no opening time" in text


def test_hsds_11_zip_and_taxonomy(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "county"), "zip", FIX / "hsds11")
    assert detect_format(Path(archive)) == "hsds-1.1"
    result = parse_file(Path(archive), taxonomy="pn-8100")
    assert sorted(by_key(result)) == ["s1", "s2", "s3"]


def test_hsds_11_weekday_numbers_and_names():
    from peercli.importers.hsds_common import meetings_from_row

    notes: list[str] = []
    for day, code in (("1", "MO"), ("7", "SU"), ("Tuesday", "TU"), ("thu", "TH"), ("0", "SU")):
        (m,) = meetings_from_row({"weekday": day, "opens_at": "6:30pm"}, notes.append)
        assert m.byday == (code,)
    assert any("weekday 0 read as Sunday" in n for n in notes)
    with pytest.raises(ValueError):
        meetings_from_row({"weekday": "9", "opens_at": "18:00"}, notes.append)


def test_forced_format_names_on_the_wrong_file():
    feed = FIX / "meetingguide" / "feed.json"
    forced = parse_file(feed, format="bmlt")
    assert not forced.records and forced.errors  # every meeting reported, none guessed
    assert all("meeting_name" in e.message for e in forced.errors)
    with pytest.raises(ImportFileError, match="iCalendar"):
        parse_file(feed, format="ical")
    with pytest.raises(ImportFileError, match="zip"):
        parse_file(feed, format="hsds-1.1")
    with pytest.raises(ImportFileError, match="--formats applies to BMLT"):
        parse_file(feed, formats=FIX / "bmlt" / "formats.json")


# -- Meeting Guide, completely ---------------------------------------------------------------


def test_meeting_guide_dial_in_poa_regions_feedback_and_fellowships(tmp_path):
    feed = tmp_path / "intergroup.json"
    feed.write_text(json.dumps([
        {"name": "Phone Only", "slug": "p", "day": 1, "time": "19:00", "types": ["C", "POA"],
         "conference_phone": "+1-555-0100", "regions": ["Lane County", "Eugene"],
         "feedback_url": "https://x.example/fix", "feedback_emails": ["a@x.example", "bad"]},
        {"name": "Court Card", "slug": "q", "day": 2, "time": "19:00", "address": "1 Main St",
         "city": "Eugene", "region": "Lane", "sub_region": "West", "types": "O,POA"},
    ]), encoding="utf-8")
    phone, court = parse_file(feed).records
    assert phone.format == "online" and phone.online_phone == "+1-555-0100"
    assert phone.regions == ("Lane County", "Eugene") and phone.proof_of_attendance is True
    assert phone.feedback_url == "https://x.example/fix"
    assert phone.feedback_emails == ("a@x.example",)
    assert court.regions == ("Lane", "West") and court.format == "in_person"
    # In Al-Anon's type list POA means "Parents of Alcoholics", not proof of attendance
    assert all(r.proof_of_attendance is None
               for r in parse_file(feed, fellowship="al-anon").records)
    gamblers = parse_file(feed, fellowship="Gamblers Anonymous").records[0]
    assert gamblers.topics == ("gambling",)
    assert parse_file(feed, fellowship="oa").records[0].topics == ("eating-disorders",)


def test_hsds_30_tabular_taxonomy_reads_the_terms_table(peer):
    # taxonomies.csv lists the taxonomies; the codes are in taxonomy_terms.csv, linked through
    # attributes: ACT-PEER is on three services, ACT-F(AM) on one, nothing on ZZZ
    keep = peer.json("group", "import", str(FIX / "hsds"), "--taxonomy", "ACT-PEER")
    assert keep["inserted"] == 3
    assert any("1 service not under taxonomy ACT-PEER" in w["message"]
               for w in keep["warnings"])
    names = sorted(g["name"] for g in peer.json("group", "list"))
    assert names == ["Family Support Group", "First Saturday Peer Wellness Workshop",
                     "Young Adult Peer Circle"]
    by_name = peer.json("group", "import", str(FIX / "hsds"), "--taxonomy",
                        "bereavement support", "--source", "b", "--dry-run")
    assert by_name["inserted"] == 1  # a term's name works as well as its code
    none = peer.json("group", "import", str(FIX / "hsds"), "--taxonomy", "ZZZ", "--source", "z")
    assert none["inserted"] == 0 and none["rows_read"] == 0
