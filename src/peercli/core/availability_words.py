"""The words of free time: the fillers people add ("evenings please", "i can do mornings"),
the bounds ("after", "before"), the things people are free after ("after work" 17:00, "after
school" 15:00), the exclusions ("but", "busy", "can't"), and the shifts people work, with the
hours each is read as."""

from __future__ import annotations

from peercli.core.timeparse import END_OF_DAY

EXPECTED = (
    "expected days (Mon, Tuesday, weekdays, weekends), times (9am-noon, 17:00-21:00, after 6pm) "
    "or parts of the day (morning, afternoon, evening)"
)
#: A single time ("Tuesdays at 7", "a las 7") is read as a window this long.
SINGLE_TIME_MINUTES = 120
#: The usual hours of the shifts people name ("I work 2nd shift"): what they are busy with.
SHIFTS: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((7 * 60, 15 * 60),),
    2: ((15 * 60, 23 * 60),),
    3: ((0, 7 * 60), (23 * 60, END_OF_DAY)),
}
SHIFT_NAMES = {1: "1st", 2: "2nd", 3: "3rd"}
SHIFT_HOURS = {1: "07:00-15:00", 2: "15:00-23:00", 3: "23:00-07:00"}
SHIFT_WORDS = {"day": 1, "morning": 1, "swing": 2, "evening": 2, "afternoon": 2, "night": 3,
                "graveyard": 3, "overnight": 3, "nighttime": 3}
FILLER = {"on", "at", "in", "the", "every", "each", "during", "free", "available", "only", "any",
           "all", "s", "de", "la", "las", "los", "el", "en", "por", "todos", "todas", "i'm",
           "im", "i", "am", "is", "are", "they're", "can", "do", "usually", "mostly", "days",
           "day", "time", "times", "libre", "disponible", "puede", "puedo", "a", "around",
           "about", "generally", "just", "pretty", "much", "most", "well", "fine", "ok", "okay",
           "good", "works", "best", "nights", "week", "weeks", "cada", "usualmente",
           "normalmente", "o", "mas", "more", "less", "or", "also", "tambien", "too", "then",
           "and", "y", "from", "prob", "probably", "r", "pls", "please", "guess",
           "retired", "literally", "really", "maybe", "prefer", "preferably", "ideally",
           "solo", "nomas", "me", "for", "to", "like", "would", "be", "great",
           "normally", "tend", "mainly", "sure", "yes", "yeah", "u", "work", "my", "mi"}
AFTER = {"after", "from", "since", "despues", "desde", "starting", "past", "later"}
BEFORE = {"before", "until", "till", "til", "hasta", "antes", "by", "up"}
ONWARDS = {"on", "onwards", "onward", "later", "adelante", "plus"}
#: What people are free before, and the hour it is read as ends ("before work" 08:00).
BEFORE_THINGS = {"work": 8 * 60, "school": 8 * 60, "trabajo": 8 * 60, "escuela": 8 * 60}
AFTER_THINGS = {"work": 17 * 60, "school": 15 * 60, "trabajo": 17 * 60, "escuela": 15 * 60,
                 "class": 15 * 60, "classes": 15 * 60, "lunch": 13 * 60, "almuerzo": 13 * 60,
                 "church": 12 * 60, "misa": 12 * 60, "iglesia": 12 * 60, "dinner": 19 * 60,
                 "cena": 19 * 60}
EXCEPT = {"but", "except", "excepto", "menos", "salvo", "excluding", "sin", "busy", "cant",
           "can't", "cannot", "unavailable", "ocupado", "ocupada"}
#: Said after a time that does not suit: "mornings are bad", "mondays don't work".
BAD = {"bad", "dont", "don't", "doesnt", "doesn't", "impossible", "out"}
BETWEEN = {"between", "entre", "btwn", "btw", "betw"}
LINKS = {"de", "las", "la", "the", "about", "around", "at", "a", "del", "el"}
WORK = {"work", "working", "trabajo"}
