"""Findings of a new user's first hour with peer (a county sheet from a URL, names typed without
their accents, files that are not listings), each driven through the CLI."""

from __future__ import annotations

import pytest
from feedserver import FeedServer

SEMICOLON_SHEET = (
    "\ufeffGroup Name;Meeting Days/Times;Location;Type of Group\r\n"
    "Women's Recovery Circle;Tues & Thurs 6:30-8;1200 Oak St;recovery\r\n"
    "Smart Recovery;Every Friday noon-1;300 Main;addiction\r\n"
).encode()


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def test_url_import_applies_map_and_sniffed_delimiter(peer, server):
    """A CSV fetched from a URL is read like the same file on disk: --map applies, ';' is
    detected (the BMLT check must not refuse a file it cannot name)."""
    server.files["county.csv"] = SEMICOLON_SHEET
    url = server.url("/feeds/county.csv")
    out = peer.json("group", "import", url, "--map", "Meeting Days/Times=schedule",
                    "--map", "Type of Group=topics")
    assert out["inserted"] == 2


def test_url_import_error_names_the_url_not_the_cached_copy(peer, server):
    server.files["odd.csv"] = b"Foo;Bar\r\n1;2\r\n"
    url = server.url("/feeds/odd.csv")
    result = peer("group", "import", url, ok=False)
    assert result.exit_code == 1
    assert "odd.csv" in result.stderr and "-odd-" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("header", ["Meeting Days/Times", "Day/Time", "Days & Times",
                                    "Day and Time", "Meeting Day & Time", "Days/Hours"])
def test_a_column_naming_days_and_times_is_the_schedule(peer, tmp_path, header):
    sheet = tmp_path / "county.csv"
    sheet.write_text(f"Group Name,{header},Type of Group\n"
                     "Grief Share,Mondays 10:00 AM - 11:30 AM,Grief & loss\n", encoding="utf-8")
    out = peer.json("group", "import", str(sheet))
    assert out["inserted"] == 1
    group = peer.json("group", "show", "Grief Share")
    assert group["topics"] == ["grief"]
    assert group["schedule"] == ["Mon 10:00-11:30"]


def test_a_date_time_stamp_column_is_not_the_schedule(peer, tmp_path):
    sheet = tmp_path / "county.csv"
    sheet.write_text("Group Name,Day,Time,Date/Time Updated\n"
                     "Grief Share,Monday,10am,2026-10-01 09:00\n", encoding="utf-8")
    peer.json("group", "import", str(sheet))
    assert peer.json("group", "show", "Grief Share")["schedule"] == ["Mon 10:00-11:00"]


def test_names_are_found_without_their_accents_or_with_curly_apostrophes(peer):
    jose = peer.json("consumer", "add", "José O'Brien-Núñez", "--consent", "store")["id"]
    for typed in ("jose", "JOSE O", "José O’Brien", "jose o'brien-nunez"):
        assert peer.json("consumer", "show", typed)["id"] == jose, typed
    peer("group", "add", "O'Malley's Men's Group", "--schedule", "Wednesdays 7pm")
    assert peer.json("group", "show", "o’malley")["name"] == "O'Malley's Men's Group"
    missing = peer("consumer", "show", "Josefina", ok=False)
    assert missing.exit_code == 1 and "no consumer matches 'Josefina'" in missing.stderr


def test_an_accentless_name_fitting_two_people_lists_both(peer):
    peer("consumer", "add", "José Díaz", "--consent", "store")
    peer("consumer", "add", "Jose Diaz", "--consent", "store", "--yes")
    result = peer("consumer", "show", "jose d", ok=False)
    assert result.exit_code == 1 and "#1" in result.stderr and "#2" in result.stderr


@pytest.mark.parametrize(("content", "said"), [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
    (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}Group Name, Schedule}", "RTF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image"),
])
@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_a_document_that_is_not_a_listing_is_named_for_what_it_is(peer, tmp_path, content,
                                                                   said, suffix):
    f = tmp_path / f"county{suffix}"
    f.write_bytes(content)
    result = peer("group", "import", str(f), ok=False)
    assert result.exit_code == 1 and said in result.stderr and "save" in result.stderr
    assert "Traceback" not in result.stderr and "header row" not in result.stderr


COUNTY_WITH_TITLE = (
    "\ufeffAlder County Behavioral Health;;;;\r\n"
    "Support Group Directory - Updated 10/2026;;;;\r\n"
    ";;;;\r\n"
    "Group Name;Meeting Days/Times;Location;Contact;Type of Group\r\n"
    "Women's Recovery Circle;Tues & Thurs 6:30-8;1200 Oak St;541-555-0101;recovery\r\n"
    "NAMI Family-to-Family;Call for times;NAMI office;541-555-0103;family support\r\n"
)


def test_title_rows_above_the_header_are_skipped_and_reported(peer, tmp_path):
    sheet = tmp_path / "county.csv"
    sheet.write_bytes(COUNTY_WITH_TITLE.encode())
    out = peer.json("group", "import", str(sheet))
    assert out["inserted"] == 2
    title = [w for w in out["warnings"] if "title" in w["message"]]
    assert title and title[0]["line"] == 4 and "lines 1-3" in title[0]["message"]
    first = peer.json("group", "show", "Women")
    assert first["schedule"] == ["Tue/Thu 18:30-20:00"]
    # the lines still count from the top of the file
    assert any(w.get("line") == 6 for w in out["warnings"])


def test_a_first_row_that_is_data_is_not_taken_for_a_title(peer, tmp_path):
    sheet = tmp_path / "odd.csv"
    sheet.write_text("Foo,Bar,Baz\nGroup Name,Schedule,x\nA,Mondays 7pm,y\n", encoding="utf-8")
    result = peer("group", "import", str(sheet), ok=False)
    assert result.exit_code == 1 and "cannot tell" in result.stderr


def test_a_second_header_row_under_merged_cells_names_the_columns(peer, tmp_path):
    sheet = tmp_path / "county.csv"
    sheet.write_bytes(
        b"Alder County Behavioral Health;;;;;\r\n"
        b"Group Name;Meeting Days/Times;Location;;Contact;Type of Group\r\n"
        b";;Address;Zip;;\r\n"
        b"Women's Recovery Circle;Tues & Thurs 6:30-8;1200 Oak St;97401;541-555-0101;recovery\r\n"
    )
    out = peer.json("group", "import", str(sheet))
    assert out["inserted"] == 1
    assert any(w["line"] == 3 and "second header row" in w["message"] for w in out["warnings"])
    group = peer.json("group", "show", "Women")
    assert group["address"] == "1200 Oak St" and group["postal_code"] == "97401"


def test_a_row_missing_its_name_right_after_the_header_is_still_refused(peer, tmp_path):
    sheet = tmp_path / "county.csv"
    sheet.write_text("Group Name,Schedule,Address\n,,12 Oak St\nA,Mondays 7pm,1 Elm\n",
                     encoding="utf-8")
    result = peer("group", "import", str(sheet), ok=False)
    assert result.exit_code == 1 and "line 2: missing name" in result.stderr


def test_interests_read_by_a_close_spelling_or_kept_unknown_are_reported(peer):
    out = peer.json("consumer", "add", "Kim", "--interests", "knittin, zzqqxx, grief",
                    "--consent", "store")
    assert out["interests"] == ["crafts", "zzqqxx", "grief"]
    notes = {w["message"] for w in out["warnings"] if w["field"] == "interests"}
    assert any("'knittin'" in m and "crafts" in m for m in notes)
    assert any("'zzqqxx'" in m and "not in the vocabulary" in m for m in notes)
    assert not any("grief" in m for m in notes)
    human = peer("consumer", "edit", "Kim", "--interests", "bereavment")
    assert "'bereavment'" in human.stderr and "grief" in human.stderr
    edited = peer.json("consumer", "edit", "Kim", "--interests", "knittin")
    assert any("'knittin'" in w["message"] for w in edited["warnings"])


def test_restore_names_a_missing_file_a_folder_or_an_empty_file_before_asking(peer, tmp_path,
                                                                               db_path):
    peer("consumer", "add", "Sam", "--consent", "store")
    before = db_path.read_bytes()
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty.db").write_bytes(b"")
    for name, said in (("nope.db", "no file at"), ("folder", "is a folder"),
                       ("empty.db", "is empty")):
        for extra in ((), ("--yes",)):
            result = peer("db", "restore", str(tmp_path / name), *extra, ok=False)
            assert result.exit_code == 1 and said in result.stderr, (name, result.stderr)
            assert "--yes" not in result.stderr and "PASSPHRASE" not in result.stderr
    assert db_path.read_bytes() == before


def test_a_namesake_spelt_without_accents_is_warned_about(peer):
    peer("consumer", "add", "José Díaz", "--consent", "store")
    out = peer.json("consumer", "add", "Jose Diaz", "--consent", "store", "--yes")
    assert any(w["field"] == "name" and "#1" in w["message"] for w in out["warnings"])
    other = peer.json("consumer", "add", "Josefa Díaz", "--consent", "store")
    assert not any(w["field"] == "name" for w in other["warnings"])
