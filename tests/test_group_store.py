"""The group store on its own: streaming import semantics, meetings rows, FTS quoting, JSON shape."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peercli.core.schedule import Meeting, parse_schedule
from peercli.importers.records import GroupRecord, RowError
from peercli.store import group_queries, groups, meetings
from peercli.store.db import open_db, write

NOW = datetime(2026, 11, 21, 10, 0)  # a Saturday


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    c = open_db(tmp_path / "store.db")
    yield c
    c.close()


def record(key: str, name: str, schedule: str = "Tuesdays 6-7:30pm", **kw: object) -> GroupRecord:
    return GroupRecord(source="county", source_key=key, name=name,
                       meetings=tuple(parse_schedule(schedule)), **kw)  # type: ignore[arg-type]


def counts(summary: groups.ImportSummary) -> tuple[int, int, int, int]:
    return summary.inserted, summary.updated, summary.unchanged, summary.retired


def test_import_inserts_children_and_search_rows(conn):
    recs = [
        record("a", "Grief Circle", topics=("grief",), description="Come and share",
               languages=("es",)),
        record("b", "Art Group", "Mon/Wed/Fri noon-1pm", topics=("art", "pet-loss"),
               unknown_topics=("pet-loss",)),
    ]
    summary = groups.import_records(conn, iter(recs), source="county")
    assert counts(summary) == (2, 0, 0, 0) and summary.written
    assert summary.unknown_topics == ["pet-loss"]
    rows = conn.execute("SELECT g.name, m.day_mask, m.byday, m.start_minute, m.end_minute "
                        "FROM meetings m JOIN groups g ON g.id = m.group_id ORDER BY g.name"
                        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("Art Group", 0b10101, '["MO", "WE", "FR"]', 720, 780),
        ("Grief Circle", 0b10, '["TU"]', 1080, 1170),
    ]
    fts = conn.execute("SELECT topics FROM groups_fts WHERE rowid = "
                       "(SELECT id FROM groups WHERE source_key = 'b')").fetchone()[0]
    assert "pet loss" in fts.lower() and "art" in fts.lower()
    audit = conn.execute("SELECT action, entity_id, fields FROM audit").fetchall()
    assert [tuple(a) for a in audit] == [("import", "county", '["inserted"]')]


def test_a_bad_row_rolls_everything_back_but_reports_all(conn):
    before = conn.total_changes
    stream = [record("a", "One"), RowError(3, "unknown day 'Funday'"), record("c", "Three"),
              RowError(5, "missing name")]
    summary = groups.import_records(conn, iter(stream), source="county")
    assert not summary.written
    assert summary.errors == [{"line": 3, "message": "unknown day 'Funday'"},
                              {"line": 5, "message": "missing name"}]
    assert summary.inserted == 2  # what the good rows would have done
    assert conn.execute("SELECT count(*) FROM groups").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    assert not conn.in_transaction
    assert conn.total_changes >= before


def test_skip_invalid_writes_good_rows_and_hands_over_rejects(conn):
    rejected: list[RowError] = []
    stream = [record("a", "One"), RowError(3, "bad", {"name": "x"}), record("c", "Three")]
    summary = groups.import_records(conn, iter(stream), source="county", skip_invalid=True,
                                    on_reject=rejected.append)
    assert summary.written and summary.inserted == 2
    assert [r.line for r in rejected] == [3]
    assert conn.execute("SELECT count(*) FROM groups").fetchone()[0] == 2


def test_reimport_keys_by_source_and_hash(conn):
    groups.import_records(conn, iter([record("a", "One"), record("b", "Two")]), source="county")
    ids = dict(conn.execute("SELECT source_key, id FROM groups").fetchall())
    changed = [record("a", "One"), record("b", "Two", "Thursdays 7pm"), record("c", "Three")]
    summary = groups.import_records(conn, iter(changed), source="county", retire_missing=True)
    assert counts(summary) == (1, 1, 1, 0)
    assert dict(conn.execute("SELECT source_key, id FROM groups WHERE source_key != 'c'")
                .fetchall()) == ids
    assert conn.execute("SELECT count(*) FROM meetings WHERE group_id = ?",
                        (ids["b"],)).fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM groups_fts").fetchone()[0] == 3
    # Same keys under another source are other groups.
    other = groups.import_records(conn, iter([record("a", "One")]), source="city")
    assert counts(other) == (1, 0, 0, 0)
    gone = groups.import_records(conn, iter([record("a", "One")]), source="county",
                                 retire_missing=True)
    assert counts(gone) == (0, 0, 1, 2)
    statuses = dict(conn.execute(
        "SELECT source_key, status FROM groups WHERE source = 'county'").fetchall())
    assert statuses == {"a": "active", "b": "inactive", "c": "inactive"}


def test_dry_run_never_opens_a_transaction(conn):
    groups.import_records(conn, iter([record("a", "One")]), source="county")
    before = conn.total_changes
    stream = [record("a", "One", "Fri 2pm"), record("b", "Two")]
    summary = groups.import_records(conn, iter(stream), source="county", dry_run=True,
                                    retire_missing=True)
    assert counts(summary) == (1, 1, 0, 0) and not summary.written and summary.dry_run
    assert conn.total_changes == before
    assert conn.execute("SELECT count(*) FROM groups").fetchone()[0] == 1


def test_import_is_batched_across_flushes(conn, monkeypatch):
    monkeypatch.setattr(groups, "BATCH_SIZE", 7)
    recs = [record(f"k{i}", f"Group {i}", topics=("walking",)) for i in range(30)]
    summary = groups.import_records(conn, iter(recs), source="county")
    assert summary.inserted == 30
    assert conn.execute("SELECT count(*), count(DISTINCT group_id) FROM group_topics"
                        ).fetchone()[:] == (30, 30)
    assert conn.execute("SELECT count(*) FROM groups_fts").fetchone()[0] == 30
    ids = [r[0] for r in conn.execute("SELECT id FROM groups ORDER BY id")]
    assert ids == list(range(1, 31))


def test_progress_is_reported(conn):
    seen: list[int] = []
    recs = [record(f"k{i}", f"G{i}") for i in range(2500)]
    groups.import_records(conn, iter(recs), source="county", progress=seen.append)
    assert seen == [1000, 2000, 2500]


def test_group_dicts_shape_and_next_meeting(conn):
    recs = [record("a", "Monthly", "last Sunday of the month 2 PM", topics=("grief",),
                   format="hybrid", online_url="https://x.example", open_to_newcomers=True),
            record("b", "Closed", status="inactive")]
    groups.import_records(conn, iter(recs), source="county")
    rows = conn.execute("SELECT * FROM groups ORDER BY id").fetchall()
    monthly, closed = group_queries.group_dicts(conn, rows, NOW)
    assert monthly["meetings"] == [{"freq": "MONTHLY", "interval": 1, "byday": ["-1SU"],
                                    "start": "14:00", "end": "15:00"}]
    assert monthly["next_meeting"] == "2026-11-29T14:00"
    assert monthly["schedule"] == ["Last Sun of the month 14:00-15:00"]
    assert monthly["topics"] == ["grief"] and monthly["format"] == "hybrid"
    assert monthly["open_to_newcomers"] is True and monthly["source_key"] == "a"
    assert closed["status"] == "inactive" and closed["next_meeting"] is None


def test_meeting_columns_day_mask():
    daily = Meeting("DAILY", 1, (), 420, 480)
    nth = Meeting("MONTHLY", 1, ("1TH", "3TH"), 1110, 1200, "America/Chicago")
    assert meetings.meeting_columns(daily)[3] == 127
    cols = meetings.meeting_columns(nth)
    assert cols[:4] == ("MONTHLY", 1, '["1TH", "3TH"]', 1 << 3)
    assert cols[6] == "America/Chicago"


def test_list_rows_filters(conn):
    recs = [record("a", "Tue Grief", topics=("grief",), languages=("es",), format="online"),
            record("b", "Sat Walk", "every other Saturday 10am", topics=("walking",)),
            record("c", "Gone", "Sat 10am", status="inactive")]
    groups.import_records(conn, iter(recs), source="county")

    def names(**kw: object) -> list[str]:
        return [r["name"] for r in group_queries.list_group_rows(conn, **kw)]  # type: ignore[arg-type]

    assert names() == ["Sat Walk", "Tue Grief"]
    assert names(include_inactive=True) == ["Gone", "Sat Walk", "Tue Grief"]
    assert names(day=5) == ["Sat Walk"]
    assert names(day=5, include_inactive=True) == ["Gone", "Sat Walk"]
    assert names(topic="grief") == ["Tue Grief"]
    assert names(language="es") == ["Tue Grief"]
    assert names(language="en") == ["Sat Walk"]
    assert names(format="in_person") == ["Sat Walk"]
    assert names(source="elsewhere") == []


@pytest.mark.parametrize("text,expected", [
    ("grief", '"grief"*'),
    ('grief "', '"grief"*'),
    ("AND", '"AND"*'),
    ("walk NEAR(art)", '"walk" "NEAR" "art"*'),
    ('"";:*^()', None),
])
def test_fts_query_quotes_every_word(text, expected):
    assert group_queries.fts_query(text) == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_search_never_raises_on_any_text(conn, text):
    if not conn.execute("SELECT 1 FROM groups").fetchone():
        groups.import_records(conn, iter([record("a", "Walking Group"), record("b", "Art")]),
                              source="county")
    # any text finds some of the stored groups (each at most once), never an error
    found = [row["name"] for row in group_queries.search_groups(conn, text)]
    assert set(found) <= {"Walking Group", "Art"} and len(found) == len(set(found))
    if text.strip().lower() in {"walking", "walk"}:
        assert found[0] == "Walking Group"


def test_search_ranks_name_hits_first(conn):
    recs = [record("a", "Walking Group", description="A walk by the river"),
            record("b", "Coffee Morning", description="We sometimes go walking after coffee"),
            record("c", "Art", description="Painting")]
    groups.import_records(conn, iter(recs), source="county")
    assert [r["name"] for r in group_queries.search_groups(conn, "walking")] == [
        "Walking Group", "Coffee Morning"]
    assert [r["name"] for r in group_queries.search_groups(conn, "walk")] == [
        "Walking Group", "Coffee Morning"]  # prefix
    assert [r["name"] for r in group_queries.search_groups(conn, "painting zebra")] == ["Art"]  # any word
    assert group_queries.search_groups(conn, "") == []


def test_add_and_edit_manual_groups(conn):
    with write(conn):
        gid = groups.add_group(conn, record("x", "Knit Night", topics=("crafts",)))
    row = conn.execute("SELECT source, source_key FROM groups WHERE id = ?", (gid,)).fetchone()
    assert tuple(row) == ("manual", f"manual:{gid}")
    with write(conn):
        changed = groups.edit_group(conn, gid, {"name": "Knit Night", "city": "Riverton",
                                                "meetings": tuple(parse_schedule("Fri 6pm"))})
    assert changed == ["city", "meetings"]
    rec = groups.record_from_row(conn, gid)
    assert rec.city == "Riverton" and rec.meetings[0].byday == ("FR",)
    assert rec.topics == ("crafts",)
    fts = conn.execute("SELECT count(*) FROM groups_fts WHERE rowid = ?", (gid,)).fetchone()[0]
    assert fts == 1
