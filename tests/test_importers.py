"""Importer core: encodings, CSV problems, native columns and synonyms, --map, keys and hashes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peercli.importers import (
    GroupRecord,
    ImportFileError,
    RowError,
    detect_format,
    iter_records,
    parse_file,
)
from peercli.importers.textio import MAX_FIELD_CHARS

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,name,topics,schedule,format,languages,notes\n"


def write(tmp_path: Path, text: str | bytes, name: str = "groups.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def one(path: Path, **kwargs: object) -> GroupRecord:
    result = parse_file(path, **kwargs)  # type: ignore[arg-type]
    assert result.errors == [], result.errors
    assert len(result.records) == 1
    return result.records[0]


# ---- the shipped sample ----------------------------------------------------------------------


def test_sample_file_imports_without_errors() -> None:
    result = parse_file(ROOT / "data" / "groups.sample.csv")
    assert result.format == "native"
    assert result.errors == []
    assert len(result.records) >= 40
    assert result.source == "groups.sample"
    by_key = {r.source_key: r for r in result.records}
    first = by_key["RIV-001"]
    assert first.name == "Tuesday Grief Circle"
    assert first.topics == ("grief",)
    assert (first.meetings[0].byday, first.meetings[0].start, first.meetings[0].end) == (
        ("TU",), 18 * 60 + 30, 20 * 60)
    assert first.facilitation == "peer-led"
    assert first.open_to_newcomers is True
    assert {r.format for r in result.records} == {"in_person", "online", "hybrid"}
    assert "inactive" in {r.status for r in result.records}


# ---- encodings -------------------------------------------------------------------------------

TEXT = HEADER + "1,Café “Talk” Circle,grief,Tuesdays 6-7:30pm,In person,English,Costs €2\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
        TEXT.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1252", "cp1252-crlf"],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, data: bytes) -> None:
    record = one(write(tmp_path, data))
    assert record.name == "Café “Talk” Circle"
    assert record.notes == "Costs €2"
    assert record.source_key == "1"


def test_cp1252_after_a_long_ascii_start(tmp_path: Path) -> None:
    rows = "".join(f"{i},Group {i},grief,Tuesdays 6pm,,,\n" for i in range(3000))
    data = (HEADER + rows).encode() + "9999,Café,grief,Mon 6pm,,,\n".encode("cp1252")
    result = parse_file(write(tmp_path, data))
    assert result.errors == []
    assert result.records[-1].name == "Café"


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    # UTF-8 decided on line 2 ("é"), then a lone cp1252 byte on line 4.
    data = (HEADER + "1,Café,grief,Mon 6pm,,,\n2,B,grief,Mon 6pm,,,\n").encode() + (
        b"3,Caf\xe9,grief,Mon 6pm,,,\n")
    with pytest.raises(ImportFileError) as info:
        parse_file(write(tmp_path, data))
    assert info.value.line == 4
    assert "line 4" in str(info.value) and "e9" in str(info.value)


def test_cp1252_undefined_byte_names_the_line(tmp_path: Path) -> None:
    data = HEADER.encode() + b"1,Caf\xe9,grief,Mon 6pm,,,\n2,Bad \x81,grief,Mon 6pm,,,\n"
    with pytest.raises(ImportFileError, match="line 3"):
        parse_file(write(tmp_path, data))


def test_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="NUL"):
        parse_file(write(tmp_path, b"\x00\x01\x02\x03garbage\x00\xff" * 10), format="native")


# ---- CSV structure problems ---------------------------------------------------------------


def test_wrong_number_of_fields_is_a_row_error_with_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,A,grief,Mon 6pm,,,\n2,B,grief,Mon 6pm,,,,extra\n3,C,x\n")
    result = parse_file(path)
    assert [r.name for r in result.records] == ["A"]
    assert [e.line for e in result.errors] == [3, 4]
    assert "expected 7" in result.errors[0].message and "found 8" in result.errors[0].message
    assert result.errors[0].raw is not None and result.errors[0].raw["name"] == "B"


def test_trailing_empty_fields_are_tolerated(tmp_path: Path) -> None:
    record = one(write(tmp_path, HEADER + "1,A,grief,Mon 6pm,,,,,\n"))
    assert record.name == "A"


def test_unterminated_quote_names_the_line_it_starts_on(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + '1,A,grief,Mon 6pm,,,\n2,"B,grief,Mon 6pm,,,\n3,C,,,,,\n')
    result = parse_file(path)
    assert [r.name for r in result.records] == ["A"]
    assert len(result.errors) == 1
    assert result.errors[0].line == 3
    assert "unterminated quote" in result.errors[0].message


def test_quoted_newline_keeps_physical_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + '1,A,grief,Mon 6pm,,,"two\nlines"\n2,,grief,Mon 6pm,,,\n')
    result = parse_file(path)
    assert result.records[0].notes == "two\nlines"
    assert result.errors == [RowError(4, "missing name", result.errors[0].raw)]


def test_text_after_closing_quote(tmp_path: Path) -> None:
    result = parse_file(write(tmp_path, HEADER + '1,"A" x,grief,Mon 6pm,,,\n'))
    assert result.errors[0].line == 2 and "after a closing quote" in result.errors[0].message


def test_field_size_cap(tmp_path: Path) -> None:
    long = "x" * (MAX_FIELD_CHARS + 1)
    result = parse_file(write(tmp_path, HEADER + f"1,A,grief,Mon 6pm,,,{long}\n2,B,g,Mon 6pm,,,\n"))
    assert [r.name for r in result.records] == ["B"]
    assert result.errors[0].line == 2
    assert "'notes'" in result.errors[0].message and "10,000" in result.errors[0].message


def test_file_size_cap(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,A,grief,Mon 6pm,,,\n")
    with pytest.raises(ImportFileError, match="limit"):
        parse_file(path, max_bytes=10)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="not found"):
        parse_file(tmp_path / "nope.csv")


def test_delimiter_detected_or_given(tmp_path: Path) -> None:
    path = write(tmp_path, "name;schedule;topics\nA;Tuesdays 6pm;grief, loss\n")
    assert one(path).topics == ("grief",)  # ";" detected without --delimiter
    with pytest.raises(ImportFileError, match="delimiter"):
        parse_file(path, delimiter=",")
    record = one(path, delimiter=";")
    assert record.name == "A" and record.topics == ("grief",)


# ---- rows: required values and bad values ----------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("1,,grief,Mon 6pm,,,", "missing name"),
        ("1,A,grief,Funday 6pm,,,", "Funday"),
        ("1,A,grief,Mon 25:99,,,", "25:99"),
    ],
)
def test_row_errors(tmp_path: Path, row: str, expected: str) -> None:
    result = parse_file(write(tmp_path, HEADER + "9,OK,grief,Mon 6pm,,,\n" + row + "\n"))
    assert [r.name for r in result.records] == ["OK"]
    assert len(result.errors) == 1
    assert result.errors[0].line == 3
    assert expected in result.errors[0].message


@pytest.mark.parametrize(
    ("row", "field", "expected", "note"),
    [
        ("1,A,grief,,,,", "days", "schedule is recorded as unknown", None),
        ("1,A,grief,Mon 6pm,,Klingonese,", "languages", "Klingonese", "Klingonese"),
        ("1,A,grief,Mon 6pm,Sometimes,,", "format", "unknown format 'Sometimes'", "Sometimes"),
    ],
)
def test_unreadable_vocabulary_values_are_kept_as_notes(
    tmp_path: Path, row: str, field: str, expected: str, note: str | None
) -> None:
    result = parse_file(write(tmp_path, HEADER + "9,OK,grief,Mon 6pm,,,\n" + row + "\n"))
    assert [r.name for r in result.records] == ["OK", "A"] and not result.errors
    (w,) = result.warnings
    assert (w.line, w.field) == (3, field) and expected in w.message
    if note:
        assert note in (result.records[1].notes or "")


def test_bad_latitude(tmp_path: Path) -> None:
    text = "name,schedule,latitude,longitude\nA,Mon 6pm,95,10\nB,Mon 6pm,north,10\nC,Mon 6pm,44.05,-123.09\n"
    result = parse_file(write(tmp_path, text))
    assert [(e.line, "latitude" in e.message) for e in result.errors] == [(2, True), (3, True)]
    assert (result.records[0].latitude, result.records[0].longitude) == (44.05, -123.09)


def test_several_problems_in_one_row_are_joined(tmp_path: Path) -> None:
    result = parse_file(write(tmp_path, HEADER + "1,,grief,Funday 6pm,,,\n"))
    assert "missing name" in result.errors[0].message
    assert "Funday" in result.errors[0].message


# ---- schedule column forms -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "freq", "interval", "byday", "start", "end"),
    [
        ("Tuesdays 6-7:30pm", "WEEKLY", 1, ("TU",), 1080, 1170),
        ("Mon/Wed/Fri noon-1pm", "WEEKLY", 1, ("MO", "WE", "FR"), 720, 780),
        ("1st & 3rd Thu 18:30-20:00", "MONTHLY", 1, ("1TH", "3TH"), 1110, 1200),
        ("every other Saturday 10am", "WEEKLY", 2, ("SA",), 600, 660),
        ("last Sunday of the month 2 PM", "MONTHLY", 1, ("-1SU",), 840, 900),
        ("2nd Monday noon-1:30pm", "MONTHLY", 1, ("2MO",), 720, 810),
        ("daily 7am", "DAILY", 1, (), 420, 480),
    ],
)
def test_schedule_column(
    tmp_path: Path, schedule: str, freq: str, interval: int, byday: tuple[str, ...],
    start: int, end: int,
) -> None:
    record = one(write(tmp_path, f'name,schedule\nA,"{schedule}"\n'))
    m = record.meetings[0]
    assert (m.freq, m.interval, m.byday, m.start, m.end) == (freq, interval, byday, start, end)


def test_days_time_end_time_columns(tmp_path: Path) -> None:
    text = "Group Name,Day(s),Start Time,End Time,Time Zone\nA,Mon/Wed,6:00 PM,7:30 PM,America/Chicago\n"
    record = one(write(tmp_path, text))
    m = record.meetings[0]
    assert (m.byday, m.start, m.end, m.timezone) == (("MO", "WE"), 1080, 1170, "America/Chicago")


def test_several_meetings_in_one_schedule(tmp_path: Path) -> None:
    record = one(write(tmp_path, 'name,schedule\nA,"Mon 10:00-11:30; Thu 18:00-19:30"\n'))
    assert [(m.byday, m.start) for m in record.meetings] == [(("MO",), 600), (("TH",), 1080)]


# ---- header synonyms, values as people write them ----------------------------------------


def test_header_synonyms(tmp_path: Path) -> None:
    text = (
        "Meeting Name,Org,Category,Day,Start,End,Location,Zip,Conference URL,Language,Lat,Lng,"
        "Contact,Details,URL,Fee,Accessibility,Type,Audience,Status,Key\n"
        "Walk & Talk,Parks Dept,walking; anxiety,Saturday,9:00 AM,10:30 AM,Riverside Park,97401,"
        "https://zoom.us/j/1,Spanish,44.05,-123.09,walk@example.org,Gentle walk,"
        "https://example.org,Free,Wheelchair accessible,In-person & Zoom,Women,Open,W-1\n"
    )
    r = one(write(tmp_path, text))
    assert (r.name, r.organization, r.source_key) == ("Walk & Talk", "Parks Dept", "W-1")
    assert r.topics == ("walking", "anxiety")
    assert (r.meetings[0].byday, r.meetings[0].start, r.meetings[0].end) == (("SA",), 540, 630)
    assert (r.address, r.postal_code, r.online_url) == ("Riverside Park", "97401", "https://zoom.us/j/1")
    assert (r.languages, r.latitude, r.longitude) == (("es",), 44.05, -123.09)
    assert (r.email, r.phone) == ("walk@example.org", None)
    assert (r.description, r.website, r.cost) == ("Gentle walk", "https://example.org", "Free")
    assert (r.format, r.audience, r.accessibility, r.status) == (
        "hybrid", ("women",), ("wheelchair",), "active")


def test_location_yields_to_address(tmp_path: Path) -> None:
    result = parse_file(write(tmp_path, "name,schedule,Location,Address\nA,Mon 6pm,Hall,1 Main St\n"))
    assert result.records[0].address == "1 Main St"
    assert "Location" in result.ignored_columns
    assert any("Location" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("format", "Zoom", "online"), ("format", "Virtual", "online"),
        ("format", "In person", "in_person"), ("format", "Hybrid", "hybrid"),
        ("format", "In-person & Zoom", "hybrid"), ("Online?", "Yes", "online"),
        ("Online?", "No", "in_person"), ("In person?", "No", "online"),
    ],
)
def test_format_values(tmp_path: Path, header: str, value: str, expected: str) -> None:
    assert one(write(tmp_path, f"name,schedule,{header}\nA,Mon 6pm,{value}\n")).format == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Peer-led", "peer-led"), ("peer led", "peer-led"), ("Professional", "professional"),
     ("Clinician-led", "professional"), ("Mutual aid", "mutual-aid")],
)
def test_facilitation_values(tmp_path: Path, value: str, expected: str) -> None:
    record = one(write(tmp_path, f"name,schedule,facilitation\nA,Mon 6pm,{value}\n"))
    assert record.facilitation == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("inactive", "inactive"), ("Closed", "inactive"), ("suspended", "inactive"),
     ("Active", "active"), ("", "active")],
)
def test_status_values(tmp_path: Path, value: str, expected: str) -> None:
    assert one(write(tmp_path, f"name,schedule,status\nA,Mon 6pm,{value}\n")).status == expected


def test_languages_values(tmp_path: Path) -> None:
    text = 'name,schedule,languages\nA,Mon 6pm,"English; Spanish"\nB,Mon 6pm,es\nC,Mon 6pm,"English, ASL"\n'
    a, b, c = parse_file(write(tmp_path, text)).records
    assert (a.languages, b.languages, c.languages, c.accessibility) == (
        ("en", "es"), ("es",), ("en",), ("asl",))


def test_languages_default_to_not_stated(tmp_path: Path) -> None:
    assert one(write(tmp_path, "name,schedule\nA,Mon 6pm\n")).languages == ()


def test_unknown_topics_are_kept_and_counted(tmp_path: Path) -> None:
    text = 'name,schedule,Types\nA,Mon 6pm,"Grief | Underwater basket weaving / Open"\n'
    result = parse_file(write(tmp_path, text))
    record = result.records[0]
    assert record.topics == ("grief", "underwater-basket-weaving")
    assert record.unknown_topics == ("underwater-basket-weaving",)
    assert result.unknown_topics == frozenset({"underwater-basket-weaving"})
    assert record.open_to_newcomers is True


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [("notes", "Newcomers welcome", True), ("notes", "Closed meeting for members", False),
     ("notes", "Doors open at 6", None), ("topics", "Closed", False)],
)
def test_newcomers(tmp_path: Path, column: str, value: str, expected: bool | None) -> None:
    record = one(write(tmp_path, f"name,schedule,{column}\nA,Mon 6pm,{value}\n"))
    assert record.open_to_newcomers is expected


def test_accessibility_free_text_is_kept_in_notes(tmp_path: Path) -> None:
    text = 'name,schedule,accessibility\nA,Mon 6pm,"Ramp at the side door, hearing loop"\n'
    record = one(write(tmp_path, text))
    assert set(record.accessibility) == {"step-free", "hearing-loop"}


def test_format_is_inferred_from_link_and_address(tmp_path: Path) -> None:
    text = "name,schedule,address,online_url\nA,Mon 6pm,1 Main St,\nB,Mon 6pm,,https://z\nC,Mon 6pm,1 Main,https://z\n"
    assert [r.format for r in parse_file(write(tmp_path, text)).records] == [
        "in_person", "online", "hybrid"]


# ---- --map ---------------------------------------------------------------------------------


def test_map_happy_path(tmp_path: Path) -> None:
    path = write(tmp_path, "Circle,When we meet,Pin\nA,Tuesdays 6pm,97401\n")
    with pytest.raises(ImportFileError, match="Circle"):
        parse_file(path)
    record = one(path, mapping={"Circle": "name", "When we meet": "schedule", "pin": "postal_code"})
    assert (record.name, record.postal_code, record.meetings[0].byday) == ("A", "97401", ("TU",))


def test_map_overrides_a_synonym_and_can_ignore(tmp_path: Path) -> None:
    path = write(tmp_path, "name,schedule,Location,Room\nA,Mon 6pm,Hall,1 Main St\n")
    record = one(path, mapping={"Room": "address", "Location": "ignore"})
    assert record.address == "1 Main St"


def test_map_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, "name,schedule,Pin\nA,Mon 6pm,1\n")
    with pytest.raises(ImportFileError) as info:
        parse_file(path, mapping={"Pin": "zipcode"})
    assert "unknown field 'zipcode'" in str(info.value) and "postal_code" in str(info.value)


def test_map_unknown_column(tmp_path: Path) -> None:
    path = write(tmp_path, "name,schedule,Pin\nA,Mon 6pm,1\n")
    with pytest.raises(ImportFileError) as info:
        parse_file(path, mapping={"Postcode": "postal_code"})
    assert "no column 'Postcode'" in str(info.value) and "'Pin'" in str(info.value)


# ---- keys and hashes -----------------------------------------------------------------------


def test_same_file_twice_gives_identical_records_and_hashes(tmp_path: Path) -> None:
    path = ROOT / "data" / "groups.sample.csv"
    a, b = parse_file(path), parse_file(path)
    assert a.records == b.records
    assert [r.content_hash() for r in a.records] == [r.content_hash() for r in b.records]


def test_editing_one_row_changes_only_its_hash(tmp_path: Path) -> None:
    text = "name,schedule,address\nA,Mon 6pm,1 Main St\nB,Tue 6pm,2 Main St\nC,Wed 6pm,3 Main\n"
    before = parse_file(write(tmp_path, text)).records
    after = parse_file(write(tmp_path, text.replace("B,Tue 6pm,2 Main St", "B,Tue 6pm,2 Main Street"))).records
    assert [r.source_key for r in before][::2] == [r.source_key for r in after][::2]
    changed = [x.content_hash() != y.content_hash() for x, y in zip(before, after, strict=True)]
    assert changed == [False, True, False]


def test_auto_key_ignores_case_punctuation_and_schedule_spelling(tmp_path: Path) -> None:
    a = one(write(tmp_path, "name,schedule,address\nSt. Mark's Group,Tuesdays 18:00,1 Main St.\n"))
    b = one(write(tmp_path, "name,schedule,address\nst marks  group,Tue 6pm,1 main st\n"))
    assert a.source_key == b.source_key and a.source_key.startswith("auto:")
    c = one(write(tmp_path, "name,schedule,address\nSt Marks Group,Wed 6pm,1 Main St\n"))
    assert c.source_key != a.source_key


def test_content_hash_covers_meetings(tmp_path: Path) -> None:
    r = one(write(tmp_path, "id,name,schedule\n1,A,Mon 6pm\n"))
    moved = dataclasses.replace(r, meetings=(dataclasses.replace(r.meetings[0], start=1090),))
    assert moved.content_hash() != r.content_hash()


def test_duplicate_ids_are_row_errors(tmp_path: Path) -> None:
    result = parse_file(write(tmp_path, "id,name,schedule\n7,A,Mon 6pm\n7,B,Tue 6pm\n"))
    assert [r.name for r in result.records] == ["A"]
    assert result.errors[0].line == 3 and "line 2" in result.errors[0].message


def test_source_default_and_override(tmp_path: Path) -> None:
    path = write(tmp_path, "name,schedule\nA,Mon 6pm\n", name="county-groups.csv")
    assert one(path).source == "county-groups"
    assert one(path, source="county").source == "county"


# ---- streaming --------------------------------------------------------------------------------


def test_iter_records_streams_with_progress(tmp_path: Path) -> None:
    rows = "".join(f"{i},G{i},grief,Tuesdays 6pm,,,\n" for i in range(2500))
    seen: list[int] = []
    stream = iter_records(write(tmp_path, HEADER + rows), progress=seen.append)
    first = next(iter(stream))
    assert isinstance(first, GroupRecord) and first.name == "G0"
    assert stream.rows_read == 1
    rest = list(stream._items)  # the remaining rows are still unread
    assert len(rest) == 2499
    stream2 = iter_records(write(tmp_path, HEADER + rows), progress=seen.append)
    assert sum(1 for _ in stream2) == 2500
    assert seen == [1000, 2000, 2500]


def test_detect_format(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "Group Name,Day,Start\nA,Mon,6pm\n")) == "native"
    assert detect_format(write(tmp_path, ' \n[{"name": "A"}]', name="x.txt")) == "meetingguide"
    with pytest.raises(ImportFileError, match="cannot tell"):
        detect_format(write(tmp_path, "foo,bar\n1,2\n"))


# ---- property: arbitrary bytes never crash ------------------------------------------------


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_only_give_import_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(HEADER.encode() + data)
    try:
        result = parse_file(path, format="native")
    except ImportFileError as exc:
        assert str(exc)
        return
    for error in result.errors:
        assert error.line >= 2 and error.message
    for record in result.records:
        assert record.name and record.meetings


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# NUL is excluded: a NUL byte marks a binary file, refused by design (test_binary_file_is_refused).
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                    max_size=200),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_round_trips_through_any_bom_encoding(
    tmp_path: Path, text: str, encoding: str
) -> None:
    from peercli.importers.textio import DecodedLines

    path = tmp_path / "t.txt"
    path.write_bytes(("name\n" + text).encode(encoding))
    with open(path, "rb") as f:
        assert "".join(DecodedLines(f)) == "name\n" + text
