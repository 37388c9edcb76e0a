"""A postal code that distance cannot place is kept, with a warning that says what shape works."""

from __future__ import annotations

import platformdirs
import pytest


def _postal(record: dict) -> list[str]:
    return [w["message"] for w in record["warnings"] if w["field"] == "postal_code"]


@pytest.mark.parametrize("code", ["9740", "974O1", "12", "ABC", "SW1A 1AA", "97401-12"])
def test_add_with_a_code_distance_cannot_place_warns_and_keeps_it(peer, code):
    record = peer.json("consumer", "add", "Sam Rivera", "--postal-code", code,
                       "--consent", "all")
    [message] = _postal(record)
    assert "5 digits" in message and "ZIP+4" in message and "postal_codes.csv" in message
    assert peer.json("consumer", "show", "Sam")["postal_code"] is not None


@pytest.mark.parametrize("code", ["97401", "97401-1234", "974011234", " 10001 "])
def test_a_us_zip_is_placed_without_a_word(peer, code):
    record = peer.json("consumer", "add", "Sam Rivera", "--postal-code", code,
                       "--consent", "all")
    assert _postal(record) == []


def test_a_code_in_the_users_postal_file_is_placed(peer):
    path = platformdirs.user_config_path("peer") / "postal_codes.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("postal_code,latitude,longitude\nSW1A 1AA,51.501,-0.142\n", encoding="utf-8")
    record = peer.json("consumer", "add", "Sam Rivera", "--postal-code", "sw1a 1aa",
                       "--consent", "all")
    assert _postal(record) == []


def test_edit_warns_in_human_output_naming_the_flag(peer):
    peer.json("consumer", "add", "Sam Rivera", "--consent", "all")
    out = peer("consumer", "edit", "Sam", "--postal-code", "9740").output
    assert "--postal-code:" in out and "97401-1234" in out
    record = peer.json("consumer", "edit", "Sam", "--postal-code", "9740")
    assert len(_postal(record)) == 1
    assert _postal(peer.json("consumer", "edit", "Sam", "--postal-code", "97401")) == []
    assert _postal(peer.json("consumer", "edit", "Sam", "--phone", "555-0101")) == []
