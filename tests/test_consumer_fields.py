"""Consumer flags are read in the core (core.consumers); consent follows one rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.consumers import (
    ConsumerFields,
    consent_holds,
    read_consent_kinds,
    read_consumer_fields,
    read_expires,
)
from peercli.core.errors import PeerError
from peercli.importers.userfiles import load_vocabulary


def test_every_field_is_read_into_changes():
    changes, unknown = read_consumer_fields(ConsumerFields(
        name=" Sam ", interests="grief, basket weaving", available=["Tue evening"],
        formats="in person", languages="en, Spanish", email=" sam@example.org ",
        access="wheelchair", eligible="woman", goal="connect", every="2w", phone=" ",
    ), load_vocabulary())
    assert changes.scalars == {"name": "Sam", "email": "sam@example.org", "goals": "connect",
                               "phone": None, "cadence_days": 14}
    assert changes.lists == {"formats": ["in_person"], "languages": ["en", "es"],
                             "access_needs": ["wheelchair"], "eligible": ["women"]}
    assert changes.interests is not None and "grief" in changes.interests
    assert unknown == ["basket-weaving"]
    assert changes.availability and changes.availability[0].day == 1


def test_nothing_given_changes_nothing():
    changes, unknown = read_consumer_fields(ConsumerFields(), None)
    assert changes.field_names() == [] and unknown == []


@pytest.mark.parametrize(("fields", "message"), [
    (ConsumerFields(name="  "), "the name is empty"),
    (ConsumerFields(name="x" * 201), "longer than 200"),
    (ConsumerFields(email="nope"), "--email: 'nope' is not an email address"),
    (ConsumerFields(every="sometimes"), "--every: "),
    (ConsumerFields(available=["whenever the moon is full"]), "--available: "),
    (ConsumerFields(formats="carrier pigeon"), "--formats: unknown format"),
])
def test_bad_flags_are_named(fields, message):
    with pytest.raises(PeerError) as caught:
        read_consumer_fields(fields, None)
    assert message in caught.value.message


def test_consent_kinds_and_expiry():
    assert read_consent_kinds(None) == []
    assert read_consent_kinds("all") == ["store", "contact", "share"]
    with pytest.raises(PeerError, match="--consent: unknown consent kind 'gossip'"):
        read_consent_kinds("gossip")
    assert read_expires("2027-01-31") == "2027-01-31" and read_expires(None) is None
    with pytest.raises(PeerError, match="--expires: 'soon' is not a date"):
        read_expires("soon")


def test_consent_expires_after_its_day():
    assert consent_holds(True, None, "2026-11-21")
    assert consent_holds(True, "2026-11-21", "2026-11-21")
    assert not consent_holds(True, "2026-11-20", "2026-11-21")
    assert not consent_holds(False, None, "2026-11-21")


@given(st.dates(), st.dates())
def test_consent_holds_until_the_expiry_date(expires, today):
    assert consent_holds(True, expires.isoformat(), today.isoformat()) == (expires >= today)


def test_show_and_list_agree_on_expired_consent(peer, monkeypatch):
    """The one rule applies to `consumer show`, `consumer consent` and `consumer list`."""
    monkeypatch.setenv("PEER_NOW", "2026-11-21T10:00")
    sam = peer.json("consumer", "add", "Sam", "--consent", "store")
    peer("consumer", "consent", "Sam", "grant", "share", "--expires", "2026-11-25")
    monkeypatch.setenv("PEER_NOW", "2026-11-30T10:00")  # (a past --expires is refused)
    shown = peer.json("consumer", "show", "Sam")["consent"]
    listed = next(c for c in peer.json("consumer", "list") if c["id"] == sam["id"])["consent"]
    state = peer.json("consumer", "consent", "Sam")["consent"]
    assert shown["share"]["granted"] is False and shown["store"]["granted"] is True
    assert listed == shown == state
