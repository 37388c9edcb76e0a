"""Every single-file importer opens its file the same way (importers/textio.Listing): the same
checks (exists, a regular file, under the size cap) with the same wording, and the same decoding
(UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252), so a format cannot drift from the others."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from peercli.importers import ImportFileError, parse_file
from peercli.importers.textio import Listing, read_listing

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# format -> a fixture it reads
SAMPLES = {
    "native": FIXTURES / "county_mixed.csv",
    "tsml-csv": FIXTURES / "meetingguide" / "tsml-export.csv",
    "meetingguide": FIXTURES / "meetingguide" / "feed.json",
    "bmlt": FIXTURES / "bmlt" / "search-array.json",
    "ics": FIXTURES / "ics" / "recovery-calendar.ics",
    "hsds-json": FIXTURES / "hsds_json" / "service_list.json",
}


def _summary(result):
    return ([(r.source_key, r.name, r.meetings, r.address, r.notes) for r in result.records],
            [(e.line, e.message) for e in result.errors])


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_each_format_refuses_a_folder_and_an_oversized_file_in_the_same_words(fmt, tmp_path):
    folder = tmp_path / "listing.txt"
    folder.mkdir()
    with pytest.raises(ImportFileError) as refused:
        parse_file(folder, format=fmt)
    assert str(refused.value) == f"not a file: {folder}"

    big = tmp_path / SAMPLES[fmt].name
    big.write_bytes(SAMPLES[fmt].read_bytes())
    with pytest.raises(ImportFileError) as too_big:
        parse_file(big, format=fmt, max_bytes=100)
    assert str(too_big.value).startswith(f"{big.name} is 0 MB; the limit is 0 MB")


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be-bom"])
def test_each_format_reads_its_file_in_any_supported_encoding(fmt, encoding, tmp_path):
    text = SAMPLES[fmt].read_text(encoding="utf-8")
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    plain = tmp_path / "a" / SAMPLES[fmt].name
    other = tmp_path / "b" / SAMPLES[fmt].name
    plain.parent.mkdir()
    other.parent.mkdir()
    plain.write_text(text, encoding="utf-8")
    other.write_bytes(data)
    expected = parse_file(plain, format=fmt)
    assert expected.records
    assert _summary(parse_file(other, format=fmt)) == _summary(expected)


def test_a_windows_1252_file_reads_like_its_utf8_twin(tmp_path):
    utf8 = tmp_path / "a" / "groups.csv"
    cp1252 = tmp_path / "b" / "groups.csv"
    utf8.parent.mkdir()
    cp1252.parent.mkdir()
    text = "name,schedule,notes\nCaf\u00e9 Circle,Tue 18:30-20:00,\u201cbring a friend\u201d\n"
    utf8.write_text(text, encoding="utf-8")
    cp1252.write_bytes(text.encode("cp1252"))
    assert _summary(parse_file(cp1252)) == _summary(parse_file(utf8))


def test_listing_checks_then_decodes_and_closes(tmp_path):
    with pytest.raises(ImportFileError, match="file not found"):
        Listing(tmp_path / "missing.csv")
    nul = tmp_path / "binary.csv"
    nul.write_bytes(b"name\n\x00\x01\x02\x03")
    with pytest.raises(ImportFileError, match="NUL bytes"):
        read_listing(nul)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    listing = Listing(empty)
    with pytest.raises(ImportFileError, match="is empty: expected a header row"):
        listing.csv()
    assert listing._f.closed
    good = tmp_path / "good.csv"
    good.write_bytes(codecs.BOM_UTF8 + b"name,schedule\nA,Mon 9am\n")
    with Listing(good) as opened:
        header, rows = opened.csv()
        assert header == ["name", "schedule"]
        assert [r.fields for r in rows] == [["A", "Mon 9am"]]
    assert opened._f.closed


def test_a_meeting_guide_entry_whose_types_is_a_number_is_read_not_a_crash(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text('[{"name": "A", "day": 1, "time": "10:00", "types": 5}]', encoding="utf-8")
    result = parse_file(feed)
    assert not result.errors
    assert result.records[0].notes == "Meeting types: 5"
