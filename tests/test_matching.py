"""The pure scorer: one hand-built case per rule, plus properties that must hold for any input."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercli.core.availability import Window
from peercli.core.geo import haversine_km
from peercli.core.matching import (
    WEIGHTS,
    ConsumerProfile,
    GroupProfile,
    attendance_mode,
    goal_is_social,
    rank,
    rank_consumers,
    score_group,
    upper_bound_without_topic,
    window_label,
)
from peercli.core.schedule import Meeting
from peercli.importers.userfiles import load_vocabulary

NOW = datetime(2026, 11, 21, 10, 0)  # a Saturday
TUE_EVENING = Window(1, 17 * 60, 21 * 60)
VOCAB = load_vocabulary()


def tue(start: int = 18 * 60 + 30, end: int = 20 * 60) -> Meeting:
    return Meeting("WEEKLY", 1, ("TU",), start, end)


def person(**kw) -> ConsumerProfile:
    base = {"id": 1, "name": "Sam", "interests": ("grief",), "windows": (TUE_EVENING,),
                "formats": ("in_person",), "languages": ("en",)}
    base.update(kw)
    return ConsumerProfile(**base)


def group(**kw) -> GroupProfile:
    base = {"id": 10, "name": "Tuesday Grief Circle", "topics": ("grief",), "meetings": (tue(),),
                "format": "in_person", "languages": ("en",), "facilitation": "peer-led",
                "open_to_newcomers": True, "last_verified": date(2026, 6, 1)}
    base.update(kw)
    return GroupProfile(**base)


def test_perfect_fit_passes_with_reasons_and_next_meeting():
    m = score_group(person(), group(), NOW, vocabulary=VOCAB)
    assert m.passed and m.filtered_by is None
    assert m.reasons[:2] == ("shares interests: grief",
                             "meets Tue 18:30-20:00, inside your Tue evening")
    assert "peer-led" in m.reasons and "open to newcomers" in m.reasons
    assert m.next_meeting == datetime(2026, 11, 24, 18, 30)
    assert m.breakdown["topics"] == 1.0 and m.breakdown["schedule"] == 1.0
    # topics, schedule, distance unknown, general audience, English (only language), peer-led
    # without a social goal, open, weekly, fresh
    assert m.score == pytest.approx(0.34 + 0.2 + 0.11 * 0.5 + 0.08 * 0.6 + 0.05 + 0.08 * 0.7
                                    + 0.06 + 0.03 + 0.05)


def test_bereavement_is_grief_through_the_vocabulary_and_misspellings_match():
    m = score_group(person(interests=("bereavement",)), group(), NOW, vocabulary=VOCAB)
    assert m.reasons[0] == "shares interests: grief"
    misspelt = score_group(person(interests=("anxeity",)), group(topics=("anxiety",)), NOW,
                           vocabulary=VOCAB)
    assert misspelt.breakdown["topics"] == 1.0


def test_a_group_sharing_no_interest_is_filtered_unless_any_topic():
    recovery = group(topics=("alcohol-recovery",), name="SMART Recovery")
    m = score_group(person(), recovery, NOW, vocabulary=VOCAB)
    assert not m.passed and "shares none of this person's interests" in m.filtered_by
    broad = score_group(person(), recovery, NOW, any_topic=True, vocabulary=VOCAB)
    assert broad.passed and "no shared interests" in broad.reasons
    assert broad.score == m.score  # the filter never changes the score
    # a related topic in the same category still passes; no interests stated: no topic filter
    assert score_group(person(interests=()), recovery, NOW, vocabulary=VOCAB).passed


def test_inactive_group_is_filtered():
    m = score_group(person(), group(status="inactive"), NOW)
    assert not m.passed and m.filtered_by == "the listing is marked inactive"


@pytest.mark.parametrize(("formats", "group_format", "attends"), [
    (("online",), "in_person", None),
    (("online",), "online", "online"),
    (("online",), "hybrid", "online"),
    (("in_person",), "online", None),
    (("in_person",), "hybrid", "in_person"),
    ((), "in_person", "in_person"),
    ((), "online", "online"),
    (("hybrid",), "online", "online"),
])
def test_format_filter(formats, group_format, attends):
    c, g = person(formats=formats), group(format=group_format)
    assert attendance_mode(c, g) == attends
    m = score_group(c, g, NOW)
    assert m.passed == (attends is not None)
    if attends is None:
        assert m.filtered_by.startswith("the group meets")


def test_online_only_person_is_told_why_in_person_group_is_out():
    m = score_group(person(formats=("online",)), group(), NOW)
    assert m.filtered_by == ("the group meets in person only, and this person attends online "
                             "only")


def test_language_filter_and_unstated_language_is_english():
    spanish = score_group(person(), group(languages=("es",)), NOW)
    assert not spanish.passed
    assert spanish.filtered_by == ("the group meets in Spanish, and this person speaks English")
    assert score_group(person(), group(languages=()), NOW).passed
    assert not score_group(person(languages=("es",)), group(languages=()), NOW).passed
    assert score_group(person(languages=("es", "en")), group(languages=("es",)), NOW).passed


def test_access_needs_must_be_met_but_online_meets_mobility_needs():
    needs = person(access_needs=("wheelchair",))
    m = score_group(needs, group(accessibility=()), NOW)
    assert m.filtered_by == ("the listing does not offer wheelchair access, which this person "
                             "needs")
    assert score_group(needs, group(accessibility=("wheelchair",)), NOW).passed
    online = replace(needs, formats=("online",))
    assert score_group(online, group(format="online"), NOW).passed
    asl = person(formats=("online",), access_needs=("asl",))
    assert not score_group(asl, group(format="online"), NOW).passed


def test_audience_restrictions():
    # unknown is not no: offered lower, with a reason to confirm
    veterans = group(audience=("veterans",))
    unknown = score_group(person(), veterans, NOW)
    assert unknown.passed and "for veterans — check Sam qualifies" in unknown.reasons
    recorded = score_group(person(eligible=("veterans",)), veterans, NOW)
    assert recorded.passed and recorded.score > unknown.score
    likely = score_group(person(goals="since I left the army I keep to myself"), veterans, NOW)
    assert likely.passed and unknown.score < likely.score < recorded.score
    assert 'for veterans — check Sam qualifies (said "army")' in likely.reasons
    # a recorded mismatch excludes
    women = group(audience=("women",))
    assert score_group(person(eligible=("men",)), women, NOW).filtered_by == (
        "the group is women only (recorded as eligible for men groups)")
    assert score_group(person(pronouns="he/him"), women, NOW).filtered_by == (
        "the group is women only (pronouns he/him)")
    assert score_group(person(pronouns="they/them"), women, NOW).passed
    women_vets = group(audience=("women", "veterans"))
    assert score_group(person(eligible=("veterans",)), women_vets, NOW).passed
    assert score_group(person(eligible=("women", "veterans")), women_vets, NOW).passed
    families = group(audience=("family-members", "caregivers"))
    assert score_group(person(eligible=("caregivers",)), families, NOW).passed
    assert score_group(person(eligible=("veterans",)), group(), NOW).passed  # general group


def test_schedule_filter_and_near_misses():
    early = group(meetings=(tue(16 * 60 + 45, 17 * 60 + 45),))  # starts 15 min before 17:00
    m = score_group(person(), early, NOW)
    assert not m.passed and "near miss" in m.filtered_by
    near = score_group(person(), early, NOW, near_misses=True)
    assert near.passed and near.near_miss
    assert ("meets Tue 16:45-17:45, within 30 minutes of your free time (near miss)"
            in near.reasons)
    assert near.breakdown["schedule"] == pytest.approx(0.75)
    far = group(meetings=(tue(9 * 60, 10 * 60),))
    out = score_group(person(), far, NOW, near_misses=True)
    assert not out.passed and out.filtered_by.startswith("no meeting falls inside")


def test_meeting_that_ended_does_not_count():
    ended = group(meetings=(Meeting("WEEKLY", 1, ("TU",), 1110, 1200, until=date(2026, 1, 1)),))
    m = score_group(person(), ended, NOW)
    assert m.filtered_by == "the group has no current meetings"


def test_no_free_time_recorded_means_no_schedule_filter():
    m = score_group(person(windows=()), group(), NOW)
    assert m.passed and m.breakdown["schedule"] == 0.5


def test_monthly_meeting_reason_uses_its_schedule():
    monthly = group(meetings=(Meeting("MONTHLY", 1, ("1TU", "3TU"), 1110, 1200),))
    m = score_group(person(), monthly, NOW)
    assert "meets 1st & 3rd Tue 18:30-20:00, inside your Tue evening" in m.reasons
    assert m.next_meeting == datetime(2026, 12, 1, 18, 30)


def test_distance_component_and_reason():
    here = person(latitude=44.05, longitude=-123.09)
    near = score_group(here, group(latitude=44.05, longitude=-123.05), NOW)
    km = haversine_km(44.05, -123.09, 44.05, -123.05)
    assert "3 km away" in near.reasons
    assert near.breakdown["distance"] == pytest.approx(math.exp(-(km - 2) / 15), abs=1e-4)
    far = score_group(here, group(latitude=44.5, longitude=-123.09), NOW)
    assert far.breakdown["distance"] < near.breakdown["distance"]
    unknown = score_group(person(), group(), NOW)
    assert unknown.breakdown["distance"] == 0.5
    assert round(haversine_km(44.05, -123.09, 44.05, -123.05)) == 3


def test_peer_led_favoured_when_goal_is_connection():
    social = person(goals="I want to make friends and feel less lonely")
    assert goal_is_social(social.goals) and not goal_is_social("stay sober")
    peer = score_group(social, group(), NOW)
    pro = score_group(social, group(facilitation="professional"), NOW)
    assert peer.breakdown["peer_led"] == 1.0 and pro.breakdown["peer_led"] == 0.0
    assert "peer-led, good for connection" in peer.reasons
    plain = score_group(person(), group(), NOW)
    assert plain.breakdown["peer_led"] == 0.7 and peer.score > plain.score


def test_newcomers_and_stale_listings():
    closed = score_group(person(), group(open_to_newcomers=False), NOW)
    assert closed.breakdown["newcomers"] == 0.0
    assert "closed to newcomers (ask before going)" in closed.reasons
    stale = score_group(person(), group(last_verified=date(2024, 11, 1)), NOW)
    assert stale.breakdown["freshness"] < 1.0
    assert "listing not checked since 2024-11-01 (confirm it still meets)" in stale.reasons
    fresh = score_group(person(), group(), NOW)
    assert fresh.score > stale.score > closed.score - 1  # both penalties lower the score
    assert fresh.score > closed.score


def test_related_topic_is_a_curated_relation_with_a_strength():
    from peercli.importers.userfiles import load_topic_relations

    rel = load_topic_relations()
    m = score_group(person(interests=("depression",)), group(topics=("anxiety",)), NOW,
                    vocabulary=VOCAB, relations=rel)
    # strength 0.8 x credit 0.6, times the focus (anxiety is 0.8 close: 1 - 0.2 x 0.2)
    assert m.breakdown["topics"] == pytest.approx(0.8 * 0.6 * 0.96)
    assert "related: anxiety" in m.reasons and m.tier == 1
    # same category is not enough: depression is not close to hearing voices
    voices = score_group(person(interests=("depression",)), group(topics=("hearing-voices",)),
                         NOW, vocabulary=VOCAB, relations=rel)
    assert voices.filtered_by == "it shares none of this person's interests (shown with --any-topic)"
    # without relations nothing is related
    assert not score_group(person(interests=("depression",)), group(topics=("anxiety",)), NOW,
                           vocabulary=VOCAB).passed


def test_rank_orders_by_score_then_next_meeting_then_name():
    a = group(id=1, name="B group")
    b = group(id=2, name="A group")
    c = group(id=3, name="Closed", open_to_newcomers=False)
    d = group(id=4, name="Spanish", languages=("es",))
    out = rank(person(), [a, b, c, d], NOW)
    assert [m.group.id for m in out] == [2, 1, 3]
    assert rank(person(), [a, b, c, d], NOW, limit=1)[0].group.id == 2


def test_rank_consumers_for_a_group():
    people = [person(id=1, name="Zoe"), person(id=2, name="Al", interests=()),
              person(id=3, name="Online", formats=("online",))]
    out = rank_consumers(group(), people, NOW)
    assert [m.consumer.id for m in out] == [1, 2]


def test_window_labels():
    assert window_label(TUE_EVENING) == "Tue evening"
    assert window_label(Window(5, 600, 840)) == "Sat 10:00-14:00"
    assert window_label(Window(6, 0, 1440)) == "Sun (all day)"


# -- properties ------------------------------------------------------------------------------

SLUGS = ["grief", "anxiety", "depression", "walking", "art", "alcohol-recovery", "parenting"]
slugs = st.lists(st.sampled_from(SLUGS), unique=True, max_size=4).map(tuple)
windows = st.builds(
    lambda d, s, n: Window(d, s, min(1440, s + n)),
    st.integers(0, 6), st.integers(0, 1380), st.integers(30, 600),
)
meetings = st.builds(
    lambda d, s, n: Meeting("WEEKLY", 1, (("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d],), s,
                            min(1440, s + n)),
    st.integers(0, 6), st.integers(0, 1380), st.integers(30, 180),
)
consumers = st.builds(
    lambda i, w, f, g: person(interests=i, windows=tuple(w), formats=f, goals=g),
    slugs, st.lists(windows, max_size=3), st.sampled_from([(), ("in_person",), ("online",)]),
    st.sampled_from([None, "make friends", "stay sober"]),
)
groups = st.builds(
    lambda i, t, m, f, fac, new: group(id=i, name=f"G{i}", topics=t, meetings=tuple(m),
                                       format=f, facilitation=fac, open_to_newcomers=new),
    st.integers(1, 10_000), slugs, st.lists(meetings, min_size=1, max_size=3),
    st.sampled_from(["in_person", "online", "hybrid"]),
    st.sampled_from([None, "peer-led", "professional", "mutual-aid"]),
    st.sampled_from([None, True, False]),
)


@settings(max_examples=150, deadline=None)
@given(consumers, groups, st.sampled_from(SLUGS))
def test_adding_a_shared_interest_never_lowers_the_score(c, g, extra):
    before = score_group(c, g, NOW, vocabulary=VOCAB, with_next=False)
    c2 = replace(c, interests=tuple(dict.fromkeys((*c.interests, extra))))
    g2 = replace(g, topics=tuple(dict.fromkeys((*g.topics, extra))))
    after = score_group(c2, g2, NOW, vocabulary=VOCAB, with_next=False)
    assert after.score >= before.score - 1e-9
    assert 0.0 <= before.score <= 1.0 and 0.0 <= after.score <= 1.0


@settings(max_examples=150, deadline=None)
@given(consumers, groups)
def test_a_group_outside_every_window_never_passes_the_schedule_filter(c, g):
    m = score_group(c, g, NOW, with_next=False)
    inside = any(
        w.day == ("MO", "TU", "WE", "TH", "FR", "SA", "SU").index(mt.byday[0])
        and w.start <= mt.start and mt.end <= w.end
        for mt in g.meetings for w in c.windows
    )
    if c.windows and not inside:
        assert not m.passed


@settings(max_examples=60, deadline=None)
@given(consumers, st.lists(groups, max_size=12, unique_by=lambda g: g.id),
       st.one_of(st.none(), st.integers(1, 5)))
def test_rank_is_sorted_by_score_and_only_holds_passing_groups(c, gs, limit):
    # without diversity: confirmed times first, then shared interests, then the score
    plain = rank(c, gs, NOW, vocabulary=VOCAB, limit=limit, diversify=False)
    keys = [(m.time_listed, -m.tier, m.score) for m in plain]
    assert keys == sorted(keys, reverse=True)
    assert all(m.passed and 0.0 <= m.score <= 1.0 for m in plain)
    # with it (the default) the top N is a prefix of the whole ranking, and a pick is never
    # lifted past one scoring more than DIVERSITY_MAX_PENALTY above it
    out = rank(c, gs, NOW, vocabulary=VOCAB, limit=limit)
    full = rank(c, gs, NOW, vocabulary=VOCAB)
    assert [m.group.id for m in out] == [m.group.id for m in full][: len(out)]
    for i, m in enumerate(full):
        for later in full[i + 1:]:
            if (later.time_listed, later.tier) == (m.time_listed, m.tier):
                assert later.score <= m.score + 0.12 + 1e-9


@settings(max_examples=100, deadline=None)
@given(consumers, groups)
def test_groups_without_a_shared_interest_stay_under_the_bound(c, g):
    m = score_group(c, replace(g, topics=()), NOW, vocabulary=VOCAB, with_next=False)
    assert m.score <= upper_bound_without_topic(WEIGHTS, has_interests=bool(c.interests)) + 1e-9
