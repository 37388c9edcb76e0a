"""Sources, refresh and change reports, driven through the CLI against a real HTTP server on
127.0.0.1: import a feed from its URL, refer someone, serve a changed feed, refresh — the change
report names the group and the change, and ``peer due`` names the person with that reason."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from feedserver import FeedServer

FIX = Path(__file__).parent / "fixtures"


def mg(*meetings: dict) -> bytes:
    return json.dumps(list(meetings)).encode()


GRIEF = {"slug": "grief-tue", "name": "Tuesday Grief Circle", "day": 2, "time": "18:30",
         "end_time": "20:00", "address": "44 Oak St", "city": "Eugene", "postal_code": "97401",
         "types": ["O"]}
WALK = {"slug": "walk-sat", "name": "Saturday Walk and Talk", "day": 6, "time": "10:00",
        "address": "1 Park Rd", "city": "Eugene", "types": ["O"]}


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setenv("PEER_NOW", "2026-11-20T10:00:00")


def test_change_reaches_the_due_list_and_is_acknowledged(peer, server, db_path):
    server.files["aa.json"] = mg(GRIEF, WALK)
    url = server.url("/feeds/aa.json")
    first = peer.json("group", "import", url, "--source", "intergroup")
    assert first["inserted"] == 2 and "changes" not in first  # first import: nothing to compare
    cache = list((db_path.parent / "feeds").iterdir())
    assert cache and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cache)
    assert stat.S_IMODE((db_path.parent / "feeds").stat().st_mode) == 0o700

    sam = peer.json("consumer", "add", "Sam", "--consent", "all")["id"]
    peer("refer", "Sam", "Tuesday Grief")

    # Unchanged feed: a conditional request, nothing imported, nothing to report
    hits_before = server.conditional
    quiet = peer.json("group", "refresh")
    assert quiet[0]["status"] == "unchanged" and server.conditional == hits_before + 1

    moved = dict(GRIEF, day=3, time="18:30")  # now Wednesday
    server.files["aa.json"] = mg(moved)  # and the walk is gone
    report = peer.json("group", "refresh", "inter")
    assert report[0]["status"] == "imported" and report[0]["retired"] == 1
    changes = {(c["name"], c["what"]): c for c in report[0]["changes"]}
    sched = changes[("Tuesday Grief Circle", "schedule")]
    assert sched["before"] == "Tue 18:30-20:00" and sched["after"] == "Wed 18:30-20:00"
    assert ("Saturday Walk and Talk", "gone") in changes
    assert set(sched) >= {"group_id", "name", "what", "before", "after"}

    sources = peer.json("group", "sources")
    assert sources[0]["name"] == "intergroup" and sources[0]["location"] == url
    assert sources[0]["format"] == "meetingguide" and sources[0]["groups"] == 2
    assert sources[0]["active_groups"] == 1 and sources[0]["fetched_at"]
    assert any(c["what"] == "schedule" for c in sources[0]["last_changes"])
    listed = peer("group", "sources")
    assert "intergroup" in listed.stdout and "moved to" in listed.stdout

    human = peer("group", "refresh", "--force")
    assert "No group changed" in human.stdout

    due = peer.json("due")
    mine = next(d for d in due if d["consumer_id"] == sam)
    assert "Tuesday Grief Circle moved to Wed 18:30-20:00" in mine["reason"]
    assert "tell Sam" in mine["reason"]
    home = peer()
    assert "Tuesday Grief Circle moved to Wed" in home.stdout


    # The next check-in with Sam is the chance to tell them: the alert is acknowledged
    peer("--no-input", "checkin", "Sam", "--mode", "phone", "--minutes", "10")
    again = peer.json("due")
    assert not any("moved to" in d["reason"] for d in again)


def test_referral_update_acknowledges_and_file_sources_refresh(peer, tmp_path):
    feed = tmp_path / "county.json"
    feed.write_text(json.dumps([GRIEF]), encoding="utf-8")
    peer("group", "import", str(feed))
    peer.json("consumer", "add", "Ana", "--consent", "all")
    ref = peer.json("refer", "Ana", "Tuesday Grief")
    unchanged = peer.json("group", "refresh")
    assert unchanged[0]["status"] == "unchanged"
    feed.write_text(json.dumps([dict(GRIEF, address="9 Elm St")]), encoding="utf-8")
    out = peer("group", "refresh")
    assert "Tuesday Grief Circle moved to 9 Elm St, Eugene, 97401" in out.stdout
    assert any("tell Ana" in d["reason"] for d in peer.json("due"))
    referral_id = ref[0]["id"] if isinstance(ref, list) else ref["id"]
    peer("referral", "update", str(referral_id), "attended")
    assert not any("tell Ana" in d["reason"] for d in peer.json("due"))


def test_offline_refresh_uses_the_cached_copy_and_says_how_old(peer, server, monkeypatch):
    server.files["na.json"] = (FIX / "bmlt" / "search-with-formats.json").read_bytes()
    url = server.url("/feeds/na.json")
    peer("group", "import", url, "--source", "na-area")
    server.httpd.shutdown()
    server.httpd.server_close()
    monkeypatch.setenv("PEER_NOW", "2026-11-23T10:00:00")
    result = peer.json("group", "refresh")
    assert result[0]["status"] == "unchanged"
    assert any("using the copy from 3 days ago" in n for n in result[0]["notes"])
    again = peer.json("group", "import", url, "--source", "na-area")
    assert again["unchanged"] == 3
    assert any("using the copy from 3 days ago" in w["message"] for w in again["warnings"])


def test_bmlt_url_fetches_getformats_from_the_same_server(peer, server):
    # a server whose own codes differ from the stock English keys: "FEM" is women (world W),
    # "SILLA" wheelchair (WCHR); the answer itself carries no formats list
    meetings = [
        {"id_bigint": "1", "meeting_name": "Mujeres en Recuperación", "weekday_tinyint": "3",
         "start_time": "19:00:00", "duration_time": "01:30:00", "formats": "FEM,SILLA",
         "location_street": "5 Calle Sol", "location_municipality": "Riverton"},
        {"id_bigint": "2", "meeting_name": "Just for Today", "weekday_tinyint": "4",
         "start_time": "12:00:00", "duration_time": "01:00:00", "formats": "W",
         "location_street": "9 Oak St", "location_municipality": "Riverton"}]
    formats = [
        {"key_string": "FEM", "name_string": "Mujeres", "world_id": "W", "id": "40"},
        {"key_string": "SILLA", "name_string": "Silla de ruedas", "world_id": "WCHR",
         "id": "41"},
        {"key_string": "W", "name_string": "Welcome", "world_id": "", "id": "42"}]
    server.files["GetSearchResults"] = json.dumps(meetings).encode()
    server.files["GetFormats"] = json.dumps(formats).encode()
    url = server.url("/main_server/client_interface/json/?switcher=GetSearchResults"
                     "&services=1&recursive=1")
    result = peer.json("group", "import", url, "--source", "na-area")
    assert result["inserted"] == 2 and result["format"] == "bmlt"
    assert not any("stock" in w["message"] for w in result["warnings"])
    assert any(p.startswith("/main_server/client_interface/json/?switcher=GetFormats")
               for p in server.hits)
    groups = {g["name"]: g for g in peer.json("group", "list")}
    mujeres = groups["Mujeres en Recuperación"]
    assert mujeres["audience"] == ["women"] and mujeres["accessibility"] == ["wheelchair"]
    # "W" is this server's own "Welcome" format, not the stock Women code
    assert groups["Just for Today"]["audience"] == []

    # GetFormats down: the import still works, by the stock keys, and says so
    del server.files["GetFormats"]
    server.files["GetSearchResults"] = json.dumps(meetings[1:]).encode()
    again = peer.json("group", "import", url, "--source", "na-area-2")
    notes = " ".join(w["message"] for w in again["warnings"])
    assert again["same_group"] == 1  # the same meeting, already listed by na-area
    assert "GetFormats" in notes


def test_fetch_errors_are_one_line_and_write_nothing(peer, server, query):
    bad = peer("group", "import", server.url("/missing"), ok=False)
    assert bad.exit_code == 1 and "HTTP 404" in bad.stderr and "Traceback" not in bad.stderr
    assert query("SELECT count(*) AS n FROM groups")[0]["n"] == 0
    big = peer("group", "import", server.url("/huge"), ok=False)
    assert big.exit_code == 1 and "limit" in big.stderr
    missing = peer("group", "refresh", "nope", ok=False)
    assert missing.exit_code == 1 and "no source" in missing.stderr
