"""BARC-10: ten items 1-6, total 10-60."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercli.core.checkins import Barc10, parse_barc10


@given(st.lists(st.integers(min_value=1, max_value=6), min_size=10, max_size=10),
       st.sampled_from([",", ", ", " ", ";", "/"]))
def test_any_valid_answers_read_back_with_their_total(items, sep):
    barc = parse_barc10(sep.join(map(str, items)))
    assert barc.items == tuple(items)
    assert 10 <= barc.total <= 60 and barc.total == sum(items)


def test_ten_digits_run_together():
    assert parse_barc10("6545645635").total == 49


@pytest.mark.parametrize("text,message", [
    ("6,5,4", "has 3 item"), ("6,5,4,5,6,4,5,6,3,7", "item 10 '7'"),
    ("0,5,4,5,6,4,5,6,3,5", "item 1 '0'"), ("a,5,4,5,6,4,5,6,3,5", "item 1 'a'"),
    ("", "has 0 item"), ("6,5,4,5,6,4,5,6,3,5,5", "has 11"),
])
def test_bad_answers_are_named(text, message):
    with pytest.raises(ValueError, match=message):
        parse_barc10(text)


def test_the_value_type_refuses_impossible_scores():
    with pytest.raises(ValueError):
        Barc10((7,) * 10)
