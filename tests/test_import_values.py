"""Cell readers that the importers share: what a listing denies is never claimed."""

from peercli.importers.values import parse_accessibility, parse_audience


def test_negated_accessibility_is_not_claimed():
    tags, complete = parse_accessibility("Unpaved trails; not suitable for wheelchairs")
    assert "wheelchair" not in tags
    assert complete is False
    assert parse_accessibility("No elevator")[0] == ()


def test_plain_accessibility_still_read():
    assert parse_accessibility("Wheelchair accessible; ASL interpreter")[0] == ("wheelchair", "asl")


def test_audience_negation():
    assert parse_audience("Women only")[0] == ("women",)
    assert parse_audience("not women only")[0] == ()
