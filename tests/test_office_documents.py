"""An Office document given to group import is named as what it is (Word, Excel, PowerPoint,
OpenDocument), from its zip member names, never as the wrong one."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.importers.textio import zip_member_names

BIG = "<w:p>" + "x" * 200_000 + "</w:p>"  # a big first member pushes the rest past the sample


class _Stream(io.RawIOBase):
    """A write-only, unseekable file: zipfile then writes sizes after the data (flag bit 3)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _office(path: Path, members: list[tuple[str, str]], *, streamed: bool = False,
            stored_first: bool = False) -> Path:
    if streamed:
        out = _Stream()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in members:
                zf.writestr(name, text)
        path.write_bytes(bytes(out.data))
        return path
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (name, text) in enumerate(members):
            kind = zipfile.ZIP_STORED if stored_first and n == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(name, text, compress_type=kind)
    return path


DOCX = [("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
        ("word/document.xml", BIG), ("word/styles.xml", "<w:styles/>")]
XLSX = [("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
        ("xl/workbook.xml", "<workbook/>"), ("xl/worksheets/sheet1.xml", BIG)]
PPTX = [("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>")]
ODT = [("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", BIG)]
ODS = [("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", "<x/>")]


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize(("suffix", "members", "says", "never"), [
    (".docx", DOCX, "Word document (.docx)", "xlsx"),
    (".csv", DOCX, "Word document (.docx)", "xlsx"),  # the name lies: the content decides
    (".xlsx", XLSX, "Excel .xlsx workbook", "Word"),
    (".pptx", PPTX, "PowerPoint", "xlsx"),
    (".zip", [("notes.txt", "hello"), ("b.txt", "x")], "zip file", "xlsx"),
])
def test_group_import_names_the_office_document(peer, tmp_path, suffix, members, says, never,
                                                streamed):
    path = _office(tmp_path / f"listing{suffix}", members, streamed=streamed)
    bad = peer("group", "import", str(path), ok=False)
    assert bad.exit_code == 1 and says in bad.stderr and never not in bad.stderr
    assert "Traceback" not in bad.output


@pytest.mark.parametrize(("members", "says"), [(ODT, "OpenDocument text"),
                                               (ODS, "OpenDocument spreadsheet")])
def test_opendocument_files_are_named(peer, tmp_path, members, says):
    path = _office(tmp_path / "listing.odt", members, stored_first=True)
    bad = peer("group", "import", str(path), ok=False)
    assert bad.exit_code == 1 and says in bad.stderr


def test_member_names_are_read_from_the_local_headers():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in DOCX:
            zf.writestr(name, text)
    names = zip_member_names(buf.getvalue()[:64 * 1024])
    assert names[:3] == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]


@given(st.binary(max_size=300))
def test_member_names_never_fail_on_garbage(tail):
    assert isinstance(zip_member_names(b"PK\x03\x04" + tail), list)
