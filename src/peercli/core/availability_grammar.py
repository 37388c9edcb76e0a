"""The grammar of free time as people say it: days and time specs in any order ("Tue, Thu 6-9pm",
"evenings on weekdays", "anytime but Monday", "not before noon", "I work 2nd shift",
"lunes y miércoles después de las 6"). Tokens come from the shared lexer in `timeparse`; the
windows and their echo are in `availability_windows`."""

from __future__ import annotations

from collections.abc import Iterable

from peercli.core.availability_specs import (
    Group,
    Spec,
    describes_part,
    effective_specs,
    part_spec,
    reason_for,
)
from peercli.core.availability_windows import (
    WHOLE_DAY,
    AvailabilityError,
    Window,
    subtract_windows,
)
from peercli.core.availability_words import (
    AFTER,
    AFTER_THINGS,
    BAD,
    BEFORE,
    BEFORE_THINGS,
    BETWEEN,
    EXCEPT,
    EXPECTED,
    FILLER,
    LINKS,
    ONWARDS,
    SHIFT_HOURS,
    SHIFT_NAMES,
    SHIFT_WORDS,
    SHIFTS,
    SINGLE_TIME_MINUTES,
    WORK,
)
from peercli.core.phrase_lexer import Token
from peercli.core.phrase_words import days_value
from peercli.core.timeparse import (
    ALL_DAYS,
    END_OF_DAY,
    PART_MERIDIEM,
    WEEKDAYS,
    ClockTime,
    TimeTextError,
    ambiguity_warning,
    day_span,
    format_hhmm,
    resolve_clock,
    resolve_end,
    resolve_span,
)


class AvailabilityGrammar:
    """Reads the tokens of one phrase into windows (`run`) and warnings (`warnings`)."""

    def __init__(self, phrase: str, tokens: list[Token]) -> None:
        self.phrase = phrase
        self.tokens = tokens
        self.i = 0
        self.windows: list[Window] = []
        self.cuts: list[Window] = []
        self.group = Group()
        self.held: Group | None = None  # "Mon 9-12, 2-5": may take the next times
        self.excluding = False
        self.busy = False  # "I work ...": what follows is when they are not free
        self.busy_days_guessed = False
        self.stated_free = False  # "..., so evenings or weekends": the free times are said
        self.shifts: list[int] = []
        self.weekly: list[str] = []  # "1st & 3rd", "every other": read as every week
        self.after_sep = False
        self.warnings: list[str] = [t.note for t in tokens if t.note]

    def error(self, fragment: str, reason: str = EXPECTED) -> AvailabilityError:
        return AvailabilityError(fragment, reason, self.phrase)

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def peek_word(self, offset: int) -> str | None:
        tok = self.peek(offset)
        return str(tok.value) if tok is not None and tok.kind == "word" else None

    # -- groups ---------------------------------------------------------------------------

    def flush(self) -> None:
        g, held = self.group, self.held
        self.group, self.held = Group(), None
        if held is not None:
            if g.days:
                self.emit(held)
            else:  # "Mon 9-12, 2-5": the later times belong to Monday too
                held.specs += g.specs
                g = held
        self.emit(g)

    def emit(self, g: Group) -> None:
        if not g.days and not g.specs:
            return
        spans = self.resolve(g)
        days = set(g.days)
        if not days and self.busy and self.excluding:
            days, self.busy_days_guessed = set(WEEKDAYS), True
        target = self.cuts if self.excluding else self.windows
        for day in sorted(days or ALL_DAYS):
            for start, end in spans or [WHOLE_DAY]:
                target.append(Window(day, start, end))

    def add_spec(self, spec: Spec, was_sep: bool) -> None:
        g = self.group
        if was_sep and g.days and g.specs and self.held is None:
            self.held, self.group = g, Group()  # "after 5 on weekdays, anytime weekends"
        self.group.specs.append(spec)

    def add_days(self, days: Iterable[int], was_sep: bool, *, own: bool = False) -> None:
        # A day after a complete "days + times" group starts a new group ("Tue evening, Thu
        # morning"); so does one after times joined by "and"/"," ("evenings and weekends"), while
        # "evenings on weekdays" and "9-5 Mon-Fri" attach the days to the times before them.
        g = self.group
        if (g.specs and (g.days or was_sep)) or (own and was_sep and g.days):
            self.flush()
        self.group.days.update(days)

    # -- times ----------------------------------------------------------------------------

    def resolve(self, g: Group) -> list[tuple[int, int]]:
        hint = next((PART_MERIDIEM[s.part] for s in g.specs
                     if s.part and PART_MERIDIEM.get(s.part)), None)
        specs = effective_specs(g.specs)
        spans: list[tuple[int, int]] = []
        for spec in specs:
            for span in self.resolve_spec(spec, hint):
                if spec.narrows and spans:
                    start, end = spans.pop()
                    span = (max(start, span[0]), min(end, span[1]))
                    if span[0] >= span[1]:
                        raise self.error(spec.fragment or spec.first.text,
                                         "that leaves no time in that part of the day")
                spans.append(span)
        return spans

    def resolve_spec(self, spec: Spec, hint: str | None) -> tuple[tuple[int, int], ...]:
        if spec.spans:
            return spec.spans
        a = spec.first.value
        assert isinstance(a, ClockTime)
        try:
            start, end, guessed = self.clock_span(spec, a, hint)
        except TimeTextError as exc:
            raise self.error(exc.fragment, exc.reason) from None
        if guessed:
            self.warnings.append(ambiguity_warning(a, start if spec.kind != "before" else end,
                                                   self.phrase))
        return ((start, end),)

    def clock_span(self, spec: Spec, a: ClockTime, hint: str | None) -> tuple[int, int, bool]:
        if spec.kind == "range":
            assert spec.second is not None and isinstance(spec.second.value, ClockTime)
            frag = self.phrase[spec.first.start : spec.second.end]
            return resolve_span(a, spec.second.value, frag, hint)
        if spec.kind == "before":
            end, guessed = resolve_clock(a, hint) if a.hour != 24 else (END_OF_DAY, False)
            return 0, resolve_end(end), guessed
        start, guessed = resolve_clock(a, hint)
        if start >= END_OF_DAY:
            raise TimeTextError(a.text, "nothing is left of the day after that")
        if spec.kind != "at":
            return start, END_OF_DAY, guessed
        end = min(start + SINGLE_TIME_MINUTES, END_OF_DAY)
        self.warnings.append(
            f'read the single time "{a.text.strip()}" as free from {format_hhmm(start)} to '
            f"{format_hhmm(end)}; give a range such as {format_hhmm(start)}-{format_hhmm(end)} "
            "to be sure"
        )
        return start, end, guessed

    # -- the walk -------------------------------------------------------------------------

    def run(self) -> list[Window]:
        while (tok := self.peek()) is not None:
            self.step(tok)
        self.flush()
        if (self.excluding or self.stated_free) and not self.windows:
            self.windows = [Window(d, 0, END_OF_DAY) for d in ALL_DAYS]
        self.finish_warnings()
        return subtract_windows(self.windows, self.cuts)

    def finish_warnings(self) -> None:
        if self.weekly:
            said = " & ".join(dict.fromkeys(self.weekly))
            self.warnings.append(f'free time is kept week by week: "{said}" in '
                                 f'"{self.phrase.strip()}" is read as every week')
        if self.busy:
            days = " on weekdays" if self.busy_days_guessed else ""
            shifts = "".join(f" ({SHIFT_NAMES[n]} shift, {SHIFT_HOURS[n]})"
                             for n in dict.fromkeys(self.shifts))
            self.warnings.append(
                f'read "{self.phrase.strip()}" as the hours they work{shifts}{days}, and the rest of '
                "the week as free; to be sure, say when they are free (e.g. weekdays after 4)"
            )

    def step(self, tok: Token) -> None:
        kind = tok.kind
        was_sep, self.after_sep = self.after_sep, False
        if kind == "dash" and self.group.specs and self.group.specs[-1].kind == "part" and (
            (nxt := self.peek(1)) is not None and nxt.kind == "part"
        ):
            kind = "sep"  # "tarde-noche"
        if kind in ("sep", "semi", "stop", "lparen", "rparen") or (
            kind == "junk" and tok.text in ("@", "!", "?", "*", "~")
        ):
            self.i += 1
            if kind in ("semi", "stop"):
                self.flush()
            self.after_sep = True
        elif self.busy and self.read_shift(tok, was_sep):
            return
        elif kind in ("day", "days"):
            days, part = self.read_days()
            self.add_days(days, was_sep, own=describes_part(tok, self.peek()))
            if part:
                self.group.specs.append(part_spec(tok, part))
        elif kind in ("ordinal", "interval"):
            self.i += 1
            self.weekly.append(tok.text.strip())
        elif kind == "time":
            self.add_spec(self.read_time(), was_sep)
        elif kind == "part":
            self.i += 1
            self.add_spec(part_spec(tok, str(tok.value)), was_sep)
        elif kind == "dash" and tok.text.strip().lower() in ("until", "till", "til", "to",
                                                              "hasta"):
            self.read_bound(tok, "before", 1)
        elif kind == "word":
            self.read_word(tok, was_sep)
        else:
            raise self.error(tok.text, reason_for(tok))

    def read_days(self) -> tuple[list[int], str | None]:
        tok = self.tokens[self.i]
        self.i += 1
        if tok.kind == "days":
            days, part = days_value(tok)
            return sorted(days), part
        assert isinstance(tok.value, int)
        dash, last = self.peek(), self.peek(1)
        if dash is not None and dash.kind == "dash" and last is not None and last.kind == "day":
            self.i += 2
            assert isinstance(last.value, int)
            return day_span(tok.value, last.value), None
        return [tok.value], None

    def read_time(self) -> Spec:
        first = self.tokens[self.i]
        dash, second = self.peek(1), self.peek(2)
        joins = dash is not None and (dash.kind == "dash" or (
            dash.kind == "sep" and dash.text.strip().lower() in ("and", "y")))
        if joins and second is not None and second.kind == "time":
            self.i += 3
            return Spec("range", first, second)
        if (joins and second is not None and second.kind == "word"
                and second.value in ("las", "la")
                and (third := self.peek(3)) is not None and third.kind == "time"):
            self.i += 4
            return Spec("range", first, third)
        self.i += 1
        assert isinstance(first.value, ClockTime)
        if self.onwards():
            return Spec("after", first)
        if first.value.keyword == "noon":
            return part_spec(first, "lunchtime")
        return Spec("at", first)

    def onwards(self) -> bool:
        """"5pm on", "6 or later", "5 and up": from that time to the end of the day."""
        offset = 0
        sep = self.peek()
        if sep is not None and sep.text.strip() == "+" and (
            (nxt := self.peek(1)) is None or nxt.kind in ("sep", "semi", "stop")
        ):
            self.i += 1  # "7:30pm+"
            return True
        if sep is not None and sep.kind == "sep" and sep.text.strip().lower() in ("or", "and"):
            offset = 1
        after = self.peek(offset)
        if after is None or after.kind != "word" or (
            after.value not in ONWARDS and after.value != "up"
        ):
            return False
        following = self.peek(offset + 1)
        if following is not None and following.kind in ("day", "days"):
            return False
        self.i += offset + 1
        return True

    def read_bound(self, tok: Token, kind: str, skip: int) -> None:
        """"after 6", "before noon", "después de las 6", "hasta las 8": the time follows."""
        j = self.i + skip
        while j < len(self.tokens) and self.tokens[j].kind == "word" and (
            self.tokens[j].value in LINKS
        ):
            j += 1
        nxt = self.tokens[j] if j < len(self.tokens) else None
        if nxt is None or nxt.kind != "time":
            raise self.error(tok.text)
        self.i = j + 1
        prev_part = bool(self.group.specs) and self.group.specs[-1].kind == "part"
        self.group.specs.append(Spec(kind, nxt, narrows=prev_part,
                                      fragment=self.phrase[tok.start : nxt.end]))

    # -- words ----------------------------------------------------------------------------

    def read_word(self, tok: Token, was_sep: bool) -> None:
        for handler in (self.word_except, self.word_bound, self.word_whole, self.word_part):
            if handler(tok, was_sep):
                return
        word = str(tok.value)
        if word in WORK and self.starts_busy():
            self.i += 1
            self.start_except(busy=True)
            return
        if word in ("so", "entonces") and self.excluding:
            self.i += 1  # "I work Mon-Fri 9-5 so evenings or weekends": now what is free
            self.flush()
            self.excluding, self.stated_free = False, True
            self.windows = []
            return
        if word in BAD and (self.group.days or self.group.specs):
            self.i += 1  # "mornings are bad", "mondays don't work": what came before is out
            self.excluding = True
            self.flush()
            self.excluding = False
            if not self.windows:
                self.windows = [Window(d, 0, END_OF_DAY) for d in ALL_DAYS]
            return
        if word in FILLER or word in BETWEEN:
            self.i += 1
            self.after_sep = was_sep
            return
        raise self.error(tok.text, reason_for(tok))

    def starts_busy(self) -> bool:
        """"I work ...", "I'm working ...", "work 2nd shift": the times that follow are busy."""
        before = self.peek_word(-1)
        return self.i == 0 or before in ("i", "im", "i'm", "am")

    def word_except(self, tok: Token, was_sep: bool) -> bool:
        word, nxt_word = str(tok.value), self.peek_word(1)
        if word in ("not", "no") and nxt_word in ("earlier", "later") and (
            self.peek_word(2) == "than"
        ):  # "no earlier than 10" = from 10; "no later than 8pm" = until 8pm
            self.i += 2
            self.read_bound(tok, "after" if nxt_word == "earlier" else "before", 1)
            return True
        if word in ("not", "no"):
            # "not before noon" = from noon; "not after 8" = until 8; "not Mondays" = except
            if nxt_word in AFTER or nxt_word in BEFORE:
                self.i += 1
                self.read_bound(tok, "before" if nxt_word in AFTER else "after", 1)
                return True
            self.i += 1
            self.start_except()
            return True
        if word in EXCEPT:
            self.i += 1
            self.start_except()
            return True
        return False

    def word_bound(self, tok: Token, was_sep: bool) -> bool:
        word = str(tok.value)
        if word in ("after", "despues", "before", "antes"):
            after = word in ("after", "despues")
            thing = self.after_thing(AFTER_THINGS if after else BEFORE_THINGS)
            if thing is not None:
                said = self.phrase[tok.start : self.tokens[self.i - 1].end]
                span = (thing, END_OF_DAY) if after else (0, thing)
                self.warnings.append(
                    f'took "{said}" as {"from" if after else "until"} {format_hhmm(thing)}; give '
                    "a time (e.g. after 5:30pm) to be sure")
                self.add_spec(Spec("window", tok, spans=(span,)), was_sep)
                return True
        nxt = self.peek(1)
        if word in ("after", "despues", "desde", "since", "past") or (
            word == "from" and nxt is not None and nxt.kind == "time"
            and not ((n2 := self.peek(2)) is not None and n2.kind == "dash")
        ) or (word == "starting" and self.peek_word(1) in ("at", "from")):
            self.read_bound(tok, "after", 1)
            return True
        if word in ("before", "antes", "by"):
            self.read_bound(tok, "before", 1)
            return True
        return False

    def after_thing(self, things: dict[str, int]) -> int | None:
        """"after work" (17:00), "after school" (15:00), "after lunch" (13:00), "después del
        trabajo": the hour it starts, consuming the words; None if no such thing follows."""
        j = self.i + 1
        while (t := self.peek(j - self.i)) is not None and t.kind == "word" and (
            t.value in ("de", "del", "el", "la", "my", "mi")
        ):
            j += 1
        t = self.peek(j - self.i)
        if t is None:
            return None
        key = "lunch" if t.kind == "part" and t.value == "lunchtime" else (
            str(t.value) if t.kind == "word" else None)
        if key not in things:
            return None
        self.i = j + 1
        return things[key]

    def word_whole(self, tok: Token, was_sep: bool) -> bool:
        """"anytime", "any time", "all day", "todo el día", "any day", "any Tuesday"."""
        word, nxt_word, nxt = str(tok.value), self.peek_word(1), self.peek(1)
        size = 0
        if word in ("anytime", "whenever", "flexible", "siempre"):
            size = 1
        elif (word in ("any", "cualquier") and nxt_word in ("time", "hora", "moment")) or (
            word in ("all", "todo") and nxt_word in ("day", "dia")
        ):
            size = 2
        elif word == "todo" and nxt_word == "el" and self.peek_word(2) == "dia":
            size = 3
        if size:
            self.i += size
            self.add_spec(Spec("window", tok, spans=(WHOLE_DAY,)), was_sep)
            return True
        if word in ("any", "cualquier") and nxt is not None and nxt.kind in ("day", "days"):
            self.i += 1
            return True
        if word in ("any", "cualquier") and nxt_word in ("day", "dia"):
            self.i += 2
            self.add_days(ALL_DAYS, was_sep)
            return True
        return False

    def word_part(self, tok: Token, was_sep: bool) -> bool:
        """"early mornings", "late nights", "late at night", "during the day"."""
        word = str(tok.value)
        offset = 2 if self.peek_word(1) == "at" else 1
        nxt = self.peek(offset)
        if word in ("early", "late", "temprano", "mid") and nxt is not None and (
            nxt.kind == "part"
        ):
            self.i += offset + 1
            part = str(nxt.value)
            if word in ("early", "temprano") and part == "morning":
                part = "early morning"
            elif word == "late" and part == "evening":
                part = "night"
            self.add_spec(part_spec(tok, part), was_sep)
            return True
        if word == "during" and self.peek_word(1) == "the" and self.peek_word(2) in (
            "day", "daytime"
        ):
            self.i += 3
            self.add_spec(part_spec(tok, "daytime"), was_sep)
            return True
        return False

    def read_shift(self, tok: Token, was_sep: bool) -> bool:
        """After "I work": "2nd shift", "night shift", "graveyard", "nights"."""
        number: int | None = None
        word = (str(tok.value) if tok.kind in ("word", "part") else "").replace("nighttime",
                                                                                 "night")
        raw = tok.text.strip().lower()
        if self.peek_word(1) == "shift":
            if tok.kind == "ordinal" and tok.value in SHIFTS:
                number = int(str(tok.value))
            elif raw.rstrip("s") in SHIFT_WORDS or word in SHIFT_WORDS:
                number = SHIFT_WORDS.get(raw.rstrip("s"), SHIFT_WORDS.get(word))
        elif (tok.kind == "part" and raw.startswith(("night", "nite", "overnight"))) or (
            raw in ("graveyard", "overnights")
        ):
            number = 3
        if number is None:
            return False
        self.i += 2 if self.peek_word(1) == "shift" else 1
        self.shifts.append(number)
        self.add_spec(Spec("shift", tok, spans=SHIFTS[number]), was_sep)
        return True

    def start_except(self, *, busy: bool = False) -> None:
        """Everything after "except"/"but"/"not"/"I work" is taken out of what came before."""
        self.flush()
        if not self.excluding and not self.windows:
            self.windows = [Window(d, 0, END_OF_DAY) for d in ALL_DAYS]
        self.excluding = True
        self.busy = self.busy or busy


