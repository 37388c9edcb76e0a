"""Meeting Guide JSON, the 12 Step Meeting List plugin CSV and HSDS 3.0 data packages."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from peercli.importers import GroupRecord, ImportFileError, detect_format, parse_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/formats")
FIXTURES = ROOT / "tests" / "fixtures"
shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared format samples not present")


def feed(tmp_path: Path, meetings: list[dict[str, object]], name: str = "feed.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(meetings, indent=2), encoding="utf-8")
    return path


BASE = {
    "name": "Sunday Serenity", "slug": "sunday-serenity", "day": 0, "time": "18:00",
    "end_time": "19:30", "location": "Alano Club", "address": "123 Main Street",
    "city": "Anytown", "state": "CA", "postal_code": "98765", "types": ["O", "T", "LGBTQ"],
    "latitude": 37.5, "longitude": -122.1, "timezone": "America/Los_Angeles",
}


# ---- Meeting Guide JSON ---------------------------------------------------------------------


def test_meeting_guide_entry(tmp_path: Path) -> None:
    path = feed(tmp_path, [BASE])
    assert detect_format(path) == "meetingguide"
    result = parse_file(path)
    assert result.errors == [] and result.format == "meetingguide"
    r = result.records[0]
    assert (r.source, r.source_key, r.name) == ("meetingguide:feed", "sunday-serenity", "Sunday Serenity")
    m = r.meetings[0]
    assert (m.freq, m.byday, m.start, m.end, m.timezone) == (
        "WEEKLY", ("SU",), 1080, 1170, "America/Los_Angeles")
    assert (r.address, r.city, r.postal_code) == ("Alano Club, 123 Main Street", "Anytown", "98765")
    assert (r.latitude, r.longitude, r.format, r.status) == (37.5, -122.1, "in_person", "active")
    assert r.audience == ("lgbtq",)
    assert r.open_to_newcomers is True
    assert r.topics == ("alcohol-recovery",) and r.facilitation == "mutual-aid"


@pytest.mark.parametrize(
    ("types", "field", "expected"),
    [
        (["W"], "audience", ("women",)), (["M"], "audience", ("men",)),
        (["Y"], "audience", ("young-adults",)), (["SEN"], "audience", ("older-adults",)),
        (["G", "L"], "audience", ("lgbtq",)), (["X", "ASL"], "accessibility", ("wheelchair", "asl")),
        (["S"], "languages", ("es",)), (["FR", "POL", "RUS", "JA"], "languages", ("fr", "pl", "ru", "ja")),
        (["C"], "open_to_newcomers", False), (["O"], "open_to_newcomers", True),
        ([], "open_to_newcomers", None), ([], "languages", ()),
    ],
)
def test_type_codes_map_to_fields(tmp_path: Path, types: list[str], field: str, expected: object) -> None:
    record = parse_file(feed(tmp_path, [{**BASE, "types": types}])).records[0]
    assert getattr(record, field) == expected
    assert record.topics == ("alcohol-recovery",)  # types never become topics


def test_other_type_codes_go_to_notes(tmp_path: Path) -> None:
    record = parse_file(feed(tmp_path, [{**BASE, "types": ["B", "SP"], "notes": "Ring"}])).records[0]
    assert record.notes == "Ring\nMeeting types: Big Book, Speaker"


@pytest.mark.parametrize(
    ("extra", "fmt", "status"),
    [
        ({"types": ["ONL"], "conference_url": "https://zoom.us/j/1"}, "hybrid", "active"),
        ({"types": ["ONL", "TC"], "conference_url": "https://zoom.us/j/1"}, "online", "active"),
        ({"types": ["TC"]}, "in_person", "inactive"),
        ({"conference_url": "https://zoom.us/j/1", "address": None, "location": None}, "online", "active"),
        ({"attendance_option": "online"}, "online", "active"),
    ],
)
def test_online_hybrid_and_temporarily_closed(
    tmp_path: Path, extra: dict[str, object], fmt: str, status: str
) -> None:
    entry = {k: v for k, v in {**BASE, **extra}.items() if v is not None}
    record = parse_file(feed(tmp_path, [entry])).records[0]
    assert (record.format, record.status) == (fmt, status)


def test_day_array_and_string_day(tmp_path: Path) -> None:
    result = parse_file(feed(tmp_path, [
        {**BASE, "slug": "a", "day": [1, 3]}, {**BASE, "slug": "b", "day": "6"}]))
    assert [r.meetings[0].byday for r in result.records] == [("MO", "WE"), ("SA",)]


def test_fellowship_parameter_and_guess(tmp_path: Path) -> None:
    na = parse_file(feed(tmp_path, [BASE], name="na-meetings.json")).records[0]
    assert na.topics == ("drug-recovery",)
    alanon = parse_file(feed(tmp_path, [BASE], name="x.json"), fellowship="Al-Anon").records[0]
    assert alanon.topics == ("family-members",) and "family-members" in alanon.audience
    with pytest.raises(ImportFileError, match="fellowship"):
        parse_file(feed(tmp_path, [BASE]), fellowship="xyz")


def test_bad_meetings_are_errors_with_index_and_line(tmp_path: Path) -> None:
    path = feed(tmp_path, [
        BASE,
        {**BASE, "slug": "b", "name": ""},
        {**BASE, "slug": "c", "day": 9},
        {**BASE, "slug": "d", "time": "25:61"},
        {**BASE, "slug": "e", "day": None, "time": None},
    ])
    result = parse_file(path)
    assert [r.source_key for r in result.records] == ["sunday-serenity"]
    messages = [e.message for e in result.errors]
    assert messages[0].startswith("meeting 2 (line ") and "missing name" in messages[0]
    assert messages[1].startswith("meeting 3 (line ") and "9" in messages[1]
    assert messages[2].startswith("meeting 4 (line ") and "25:61" in messages[2]
    lines = [e.line for e in result.errors]
    text = path.read_text().splitlines()
    assert all(text[line - 1].strip() == "{" for line in lines)
    assert [w.message for w in result.warnings] == [
        f"meeting 5 (line {result.warnings[0].line}): no day and time (by appointment?); skipped"]


@pytest.mark.parametrize(
    ("text", "where"),
    [('[{"name": "A",}]', "line 1, column 15"), ('[\n{"name": "A"}\n{"name": "B"}]', "line 3"),
     ('{"meetings": []}', "found an object"), ("[1, 2,]", "trailing comma")],
)
def test_bad_json_is_one_file_error(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ImportFileError, match=where):
        parse_file(path)


def test_same_feed_twice_is_identical(tmp_path: Path) -> None:
    path = feed(tmp_path, [BASE, {**BASE, "slug": "x", "day": 2}])
    a, b = parse_file(path), parse_file(path)
    assert [r.content_hash() for r in a.records] == [r.content_hash() for r in b.records]


@shared
def test_real_meeting_guide_feeds() -> None:
    feeds = SHARED / "meetingguide" / "tsml-ui-feeds"
    atlanta = parse_file(feeds / "atlanta.json")
    assert atlanta.errors == [] and len(atlanta.records) == 6
    first = atlanta.records[0]
    assert (first.source_key, first.postal_code, first.open_to_newcomers) == (
        "early-sunday-morning", "30102", False)
    ben = parse_file(feeds / "benlomond.test.json")
    assert ben.errors == [] and len(ben.records) == 35
    online_tc = next(r for r in ben.records if r.source_key == "daily-reflections")
    assert (online_tc.format, online_tc.status, online_tc.accessibility) == (
        "online", "active", ("wheelchair",))
    tz = parse_file(feeds / "timezones.test.json")
    assert [r.meetings[0].timezone for r in tz.records] == ["America/Los_Angeles", "America/New_York"]
    appointment = parse_file(feeds / "appointment.test.json")
    assert len(appointment.records) == 1 and len(appointment.warnings) == 1
    with pytest.raises(ImportFileError, match="invalid JSON at line"):
        parse_file(feeds / "invalid.json")


# ---- 12 Step Meeting List plugin CSV ---------------------------------------------------------

TSML = (
    '"Time","End Time","Day","Name","Location","Address","Region","Types","Notes","Timezone",'
    '"Group","Conference URL","Slug"\n'
    '"6:00 PM",,"Monday","After Work","Hall","2634 Union Ave, San Jose, CA 95124, USA","San Jose",'
    '"Open, Wheelchair Access",,"America/Los_Angeles","SNL",,"after-work"\n'
    '"7:30 PM","8:30 PM","Friday","Hora de Vivir","Club","1122 Fair Ave, San Jose, CA 95122, USA",'
    '"San Jose","Closed, Spanish, Women, Big Book",,"America/Los_Angeles",,,"hora"\n'
    '"7:00 PM",,"Sunday","Underground","Church","15040 Union Ave, San Jose, CA 95124, USA",,'
    '"Online Meeting, Temporary Closure",,,,"https://zoom.us/j/9","underground"\n'
    '"9:00 AM",,"Funday","Bad Day","X","1 Main",,"Open",,,,,"bad"\n'
)


def test_tsml_csv(tmp_path: Path) -> None:
    path = tmp_path / "meetings.csv"
    path.write_text(TSML)
    assert detect_format(path) == "tsml-csv"
    result = parse_file(path)
    assert result.format == "tsml-csv"
    after, hora, underground = result.records
    assert (after.source_key, after.meetings[0].byday, after.meetings[0].start) == (
        "after-work", ("MO",), 1080)
    assert (after.open_to_newcomers, after.accessibility, after.postal_code, after.city) == (
        True, ("wheelchair",), "95124", "San Jose")
    assert after.meetings[0].timezone == "America/Los_Angeles"
    assert (hora.meetings[0].end, hora.languages, hora.audience, hora.open_to_newcomers) == (
        1230, ("es",), ("women",), False)
    assert hora.notes == "Meeting types: Big Book"
    assert (underground.format, underground.status) == ("online", "active")
    assert len(result.errors) == 1 and result.errors[0].line == 5
    assert "Funday" in result.errors[0].message


@shared
def test_real_tsml_template() -> None:
    result = parse_file(SHARED / "meetingguide" / "tsml-import-template" / "template.csv")
    assert result.format == "tsml-csv" and result.errors == []
    assert len(result.records) == 36
    gay = next(r for r in result.records if r.source_key.startswith("gay-lesbian-step"))
    assert gay.audience == ("lgbtq",)


# ---- HSDS 3.0 --------------------------------------------------------------------------------

HSDS_TABLES = {
    "datapackage.json": json.dumps({"name": "hsds", "resources": [
        {"name": "service", "path": "services.csv"},
        {"name": "schedule", "path": "schedules.csv"}]}),
    "services.csv": (
        "id,organization_id,name,description,url,email,status,fees_description,assured_date\n"
        "s1,o1,Hearing Voices Group,Peer group,https://hv.example,hv@example.org,active,Free,2025-01-15\n"
        "s2,o1,Family Night,For families,,,temporarily closed,,\n"
        "s3,o1,No Schedule,,,,active,,\n"
    ),
    "organizations.csv": "id,name,email,website\no1,Riverton Mind,info@example.org,https://rm.example\n",
    "locations.csv": (
        "id,location_type,url,name,latitude,longitude\n"
        "l1,physical,,Center,44.05,-123.09\nl2,virtual,https://zoom.us/j/2,Zoom,,\n"
    ),
    "addresses.csv": (
        "id,location_id,address_1,address_2,city,state_province,postal_code,country,address_type\n"
        "a1,l1,1 Main St,Room 2,Riverton,OR,97401,US,physical\n"
    ),
    "service_at_location.csv": "id,service_id,location_id\nsal1,s1,l1\nsal2,s1,l2\nsal3,s2,l1\n",
    "schedules.csv": (
        "id,service_id,service_at_location_id,freq,interval,byday,opens_at,closes_at,dtstart,until,timezone,description\n"
        "sc1,s1,,WEEKLY,2,TU,18:00:00Z,19:30:00Z,2025-01-07,,,\n"
        "sc2,,sal1,MONTHLY,1,1SA,10:00,12:00,,,-5,\n"
        "sc3,s2,,,,,,,,,,Thursdays 7pm\n"
    ),
    "languages.csv": "id,service_id,location_id,name,code\nla1,s1,,Spanish,es\nla2,s1,,English,\n",
    "accessibility.csv": "id,location_id,description,details\nac1,l1,Wheelchair access and an induction loop,\n",
    "taxonomy_terms.csv": "id,name,taxonomy\nt1,Hearing voices,x\nt2,Psychosis peer support,x\n",
    "attributes.csv": "id,link_id,link_entity,taxonomy_term_id\nat1,s1,service,t1\nat2,s1,service,t2\n",
    "phones.csv": 'id,service_id,location_id,number\np1,s1,,"""+1 541 555 0100"""\n',
}


def hsds_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "county-hsds"
    folder.mkdir()
    for name, text in HSDS_TABLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def check_hsds(result_records: list[GroupRecord]) -> None:
    s1, s2, s3 = result_records
    # a service without a schedule row: imported with the schedule unknown (as HSDS 1.1/JSON)
    assert (s3.source_key, s3.meetings) == ("s3", ())
    assert (s1.source_key, s1.name, s1.organization) == ("s1", "Hearing Voices Group", "Riverton Mind")
    weekly, monthly = s1.meetings
    assert (weekly.freq, weekly.interval, weekly.byday, weekly.start, weekly.end) == (
        "WEEKLY", 2, ("TU",), 1080, 1170)
    assert str(weekly.dtstart) == "2025-01-07"
    assert (monthly.freq, monthly.byday, monthly.timezone) == ("MONTHLY", ("1SA",), "Etc/GMT+5")
    assert (s1.address, s1.city, s1.postal_code) == ("1 Main St, Room 2", "Riverton", "97401")
    assert (s1.latitude, s1.longitude) == (44.05, -123.09)
    assert (s1.format, s1.online_url) == ("hybrid", "https://zoom.us/j/2")
    assert s1.languages == ("es", "en")
    assert set(s1.accessibility) == {"wheelchair", "hearing-loop"}
    assert s1.topics[0] == "hearing-voices"
    assert (s1.phone, s1.email, s1.website, s1.cost) == (
        "+1 541 555 0100", "hv@example.org", "https://hv.example", "Free")
    assert str(s1.last_verified) == "2025-01-15"
    assert (s2.status, s2.meetings[0].byday, s2.meetings[0].start) == ("inactive", ("TH",), 1140)


def test_hsds_folder(tmp_path: Path) -> None:
    folder = hsds_folder(tmp_path)
    assert detect_format(folder) == "hsds"
    result = parse_file(folder)
    assert result.source == "hsds:county-hsds"
    check_hsds(result.records)
    assert result.errors == []
    assert any(w.line == 4 and "imported with the schedule unknown" in w.message
               for w in result.warnings)


def test_hsds_zip_with_a_top_folder(tmp_path: Path) -> None:
    zpath = tmp_path / "county.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name, text in HSDS_TABLES.items():
            zf.writestr(f"pkg/{name}", text)
    assert detect_format(zpath) == "hsds"
    result = parse_file(zpath)
    assert result.source == "hsds:county"
    check_hsds(result.records)


def test_hsds_bad_schedule_names_the_schedule_line(tmp_path: Path) -> None:
    folder = hsds_folder(tmp_path)
    (folder / "schedules.csv").write_text(
        "id,service_id,freq,byday,opens_at,closes_at\nsc1,s1,WEEKLY,XX,18:00,19:00\n")
    result = parse_file(folder)
    s1_error = next(e for e in result.errors if e.line == 2)
    assert "schedules.csv line 2" in s1_error.message and "XX" in s1_error.message


def test_zip_without_datapackage_is_refused(tmp_path: Path) -> None:
    zpath = tmp_path / "x.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("a.csv", "x")
    with pytest.raises(ImportFileError):
        parse_file(zpath)


@shared
def test_real_hsds_example_package_imports_without_errors() -> None:
    result = parse_file(SHARED / "hsds" / "v3.0-examples-csv")
    assert result.errors == []
    (record,) = result.records
    assert record.name == "Community Counselling"
    assert record.meetings[0].byday == ("TH", "FR")
    assert (record.meetings[0].start, record.meetings[0].end) == (600, 1080)
    assert record.languages == ("ur",)
    assert record.latitude is None  # the example's 100/101 are out of range: warned, dropped
    assert any("latitude" in w.message for w in result.warnings)


# ---- teammates' fixtures, when present ------------------------------------------------------


@pytest.mark.parametrize("sub", ["meetingguide", "hsds"])
def test_project_fixtures_import(sub: str) -> None:
    folder = FIXTURES / sub
    if not folder.is_dir():
        pytest.skip(f"tests/fixtures/{sub} not written yet")
    candidates = [p for p in sorted(folder.iterdir()) if not p.name.startswith(".")]
    if sub == "hsds" and (folder / "datapackage.json").exists():
        candidates = [folder]
    imported = 0
    for path in candidates:
        if path.suffix.lower() not in (".json", ".csv", ".zip", "") or "invalid" in path.name:
            continue
        if path.is_dir() and not (path / "datapackage.json").exists():
            continue
        result = parse_file(path)
        assert result.records, path
        imported += 1
    assert imported
