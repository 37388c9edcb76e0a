"""A realistic directory for persona tests: Harbor City and, 55 km away, Lakeview.

Several fellowships (an AA intergroup with five meetings at the same Tuesday hour, NA, SMART,
Al-Anon, Nar-Anon, GA), professional and peer-led groups on the same topics, groups for an
audience (veterans, women, men, LGBTQ+, young and older adults, family members, caregivers,
parents), groups held only in Spanish or Vietnamese, far-away groups, stale listings, a meeting
whose time is not listed and a drop-in with no schedule at all. Written the way listings are:
topics and schedules as text, read through the shipped vocabulary and schedule reader.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peercli.core.matching import GroupProfile
from peercli.core.schedule import parse_schedule
from peercli.importers.userfiles import load_vocabulary

HARBOR = (45.5200, -122.6800)
LAKEVIEW = (45.0250, -122.6800)  # 55 km south
FRESH = date(2026, 9, 1)
STALE = date(2022, 1, 15)


def place(dx_km: float, dy_km: float, centre: tuple[float, float] = HARBOR
          ) -> tuple[float, float]:
    return centre[0] + dy_km / 111.2, centre[1] + dx_km / 78.0


# name, organization, topics, schedule ("" = none listed), format, (dx, dy) km or None,
# extra fields
ROWS: list[tuple[str, str, str, str, str, Any, dict[str, Any]]] = [
    # grief
    ("Tuesday Grief Circle", "Harbor Peer Collective", "grief; bereavement",
     "Tuesdays 6:30-8pm", "in_person", (1, 0),
     {"facilitation": "peer-led", "open_to_newcomers": True, "accessibility": ("wheelchair",)}),
    ("Hospice Bereavement Group", "Harbor Hospice", "grief", "Tue 6-7:30pm", "in_person", (3, 2),
     {"facilitation": "professional", "open_to_newcomers": True}),
    ("Grief Walkers", "Harbor Peer Collective", "grief; walking", "Sat 9-10:30am", "in_person",
     (2, -1), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Survivors of Suicide Loss", "Harbor Peer Collective", "suicide loss",
     "2nd Wed 7-8:30pm", "in_person", (1, 1), {"facilitation": "peer-led"}),
    ("Duelo y Esperanza", "Centro Latino", "duelo", "Thu 6-7:30pm", "in_person", (2, 2),
     {"languages": ("es",), "facilitation": "peer-led", "open_to_newcomers": True}),
    ("Widows and Widowers Lunch", "Harbor Senior Center", "grief; loneliness",
     "Wed 12-1:30pm", "in_person", (0, 2),
     {"audience": ("older-adults",), "facilitation": "peer-led", "open_to_newcomers": True}),
    ("Lakeview Grief Support", "Lakeview Hospice", "grief", "Tuesdays 6:30-8pm", "in_person",
     ("lakeview", 1, 0), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Evening Grief Online", "National Grief Network", "grief", "Thursdays 7-8pm", "online",
     None, {"facilitation": "peer-led", "open_to_newcomers": True}),
    # mental health
    ("Anxiety & Depression Peer Support", "Harbor Peer Collective", "anxiety; depression",
     "Mondays 6-7:30pm", "hybrid", (1, 0),
     {"facilitation": "peer-led", "open_to_newcomers": True, "accessibility": ("step-free",)}),
    ("Hearing Voices Group", "Harbor Peer Collective", "hearing voices", "Mon 6-7:30pm",
     "in_person", (1, 0), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Eating Disorder Recovery", "Harbor Behavioral Health", "eating disorders",
     "Mon 6-7:30pm", "online", None, {"facilitation": "professional"}),
    ("Bipolar & Depression Alliance", "DBSA Harbor", "depression; bipolar", "Thu 7-8:30pm",
     "in_person", (2, 1), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Young Adults Mental Health Circle", "Harbor Peer Collective",
     "anxiety; depression; young adults", "Wed 3:30-5pm", "in_person", (1, 0),
     {"audience": ("young-adults",), "facilitation": "peer-led", "open_to_newcomers": True}),
    ("Men's Mental Health Circle", "Harbor Peer Collective", "depression; men", "Wed 7-8:30pm",
     "in_person", (1, 0), {"audience": ("men",), "facilitation": "peer-led"}),
    ("Women's Wellness Circle", "Harbor Women's Center", "anxiety; depression; women",
     "Tue 10-11:30am", "in_person", (2, 0), {"audience": ("women",), "facilitation": "peer-led",
                                             "open_to_newcomers": True}),
    ("Rainbow Peer Circle", "Harbor Pride Center", "lgbtq; depression; anxiety",
     "Fri 6-7:30pm", "hybrid", (1, 2), {"audience": ("lgbtq",), "facilitation": "peer-led",
                                        "open_to_newcomers": True}),
    ("Vietnamese Wellness Circle", "Mekong Association", "depression; anxiety",
     "Sat 10-11:30am", "in_person", (3, 1), {"languages": ("vi",), "facilitation": "peer-led",
                                             "open_to_newcomers": True}),
    ("Anxiety Skills Class", "Harbor Behavioral Health", "anxiety", "Tue 6-7:30pm",
     "in_person", (2, 2), {"facilitation": "professional", "open_to_newcomers": False}),
    ("Social Anxiety Meetup", "Harbor Peer Collective", "social anxiety; games",
     "every other Fri 6pm", "in_person", (1, 1), {"facilitation": "peer-led",
                                                  "open_to_newcomers": True}),
    ("OCD Support", "Harbor Behavioral Health", "OCD", "2nd Wed 7-8:30pm", "in_person", (2, 2),
     {"facilitation": "professional"}),
    ("Harborside Depression Support", "Old Harbor Church", "depression", "Mondays 6-7:30pm",
     "in_person", (1, 1), {"facilitation": "peer-led", "open_to_newcomers": True,
                           "last_verified": STALE}),
    ("Depression Education Class", "Harbor Behavioral Health", "depression", "Mon 6-7:30pm",
     "in_person", (2, 2), {"facilitation": "professional", "open_to_newcomers": False}),
    ("New Parents Support", "St. Mary Medical Center", "postpartum; parents", "Fri 10-11am",
     "online", None, {"facilitation": "professional", "open_to_newcomers": True}),
    # alcohol and drugs: one intergroup, five meetings at the same Tuesday hour
    ("Tuesday Night Big Book", "Harbor Intergroup (AA)", "AA", "Tue 7-8pm", "in_person", (1, 0),
     {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Downtown Tuesday Step", "Harbor Intergroup (AA)", "AA", "Tue 7-8pm", "in_person", (1, 1),
     {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Serenity Tuesday", "Harbor Intergroup (AA)", "AA", "Tue 7-8pm", "in_person", (0, 1),
     {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Harbor Tuesday Discussion", "Harbor Intergroup (AA)", "AA", "Tue 7-8pm", "in_person",
     (2, 0), {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Tuesday Keep It Simple", "Harbor Intergroup (AA)", "AA", "Tue 7-8pm", "in_person", (1, 2),
     {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Early Birds", "Harbor Intergroup (AA)", "AA; sobriety", "daily 7am", "in_person", (1, 0),
     {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Sober Sisters", "Harbor Intergroup (AA)", "AA", "Sat 9-10am", "in_person", (2, 1),
     {"audience": ("women",), "facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Grupo Nueva Vida", "Harbor Intergroup (AA)", "AA", "Sundays 5-6:30pm", "in_person", (2, 2),
     {"languages": ("es",), "facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Young People in AA", "Harbor Intergroup (AA)", "AA; young adults", "Fri 8-9pm",
     "in_person", (1, 1), {"audience": ("young-adults",), "facilitation": "mutual-aid"}),
    ("NA Tuesday Living Clean", "Harbor Area NA", "narcotics anonymous", "Tue 7-8:30pm",
     "in_person", (2, 1), {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("SMART Recovery Harbor", "SMART Harbor", "alcohol recovery; drug recovery",
     "Tue 6:30-8pm", "hybrid", (2, 0), {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    ("Harm Reduction Drop-In", "Cascade Recovery Alliance", "harm reduction",
     "Mon/Wed/Fri 2-4pm", "in_person", (1, 2), {"facilitation": "peer-led",
                                                "open_to_newcomers": True}),
    ("Al-Anon Hope for Today", "Harbor Al-Anon", "Al-Anon", "Wednesdays 7pm", "in_person",
     (1, 1), {"audience": ("family-members",), "facilitation": "mutual-aid",
              "open_to_newcomers": True}),
    ("Al-Anon Tuesday Noon", "Harbor Al-Anon", "Al-Anon", "Tue 12-1pm", "in_person", (2, 0),
     {"audience": ("family-members",), "facilitation": "mutual-aid"}),
    ("Nar-Anon Family Group", "Harbor Nar-Anon", "Nar-Anon", "every other Monday 7pm", "online",
     None, {"audience": ("family-members",), "facilitation": "mutual-aid",
            "open_to_newcomers": True}),
    ("GA Harbor", "Gamblers Anonymous", "gambling", "Thu 7-8:30pm", "in_person", (2, 1),
     {"facilitation": "mutual-aid", "open_to_newcomers": True}),
    # family, caregivers, parents
    ("Family Connections", "NAMI Harbor", "family members; caregivers", "2nd Tue 6:30-8pm",
     "in_person", (2, 2), {"audience": ("family-members",), "facilitation": "peer-led"}),
    ("Caregivers Circle", "Harbor Senior Center", "caregivers; dementia",
     "1st & 3rd Wed 13:00-14:30", "hybrid", (0, 2),
     {"audience": ("caregivers",), "facilitation": "peer-led", "open_to_newcomers": True}),
    ("Parents Helping Parents", "Harbor Family Services", "parents; parenting",
     "Tuesdays 10-11:30am", "in_person", (2, 1), {"facilitation": "peer-led",
                                                  "open_to_newcomers": True}),
    # veterans and trauma
    ("Veterans Coffee & Conversation", "County Veterans Services", "veterans; ptsd",
     "Wed 09:00-10:30", "in_person", (2, 0), {"audience": ("veterans",),
                                              "facilitation": "peer-led",
                                              "open_to_newcomers": True}),
    ("Vets Outdoors", "County Veterans Services", "veterans; nature; walking",
     "first Saturday of the month 9:00-13:00", "in_person", (3, 3),
     {"audience": ("veterans",), "facilitation": "peer-led"}),
    ("Combat Veterans PTSD Group", "VA Harbor Clinic", "veterans; ptsd", "Thu 6-7:30pm",
     "in_person", (3, 0), {"audience": ("veterans",), "facilitation": "professional"}),
    ("Seeking Safety", "Harbor Behavioral Health", "trauma; PTSD", "Mondays 2-3:30pm",
     "in_person", (2, 2), {"facilitation": "professional"}),
    ("Women's Healing Circle", "Safe Haven Alliance", "domestic violence; trauma",
     "Thursdays 10-11:30am", "in_person", (1, 1), {"audience": ("women",),
                                                   "facilitation": "peer-led",
                                                   "open_to_newcomers": True}),
    # social and activity
    ("Silver Threads Social Club", "Harbor Senior Center", "older adults; loneliness; games",
     "Tue/Thu 10am-11:30am", "in_person", (0, 2), {"audience": ("older-adults",),
                                                   "facilitation": "peer-led",
                                                   "open_to_newcomers": True}),
    ("Riverside Walking Group", "Harbor Peer Collective", "walking; nature",
     "every other Sunday 9am", "in_person", (1, -2), {"facilitation": "peer-led",
                                                      "open_to_newcomers": True}),
    ("Weekly Walk & Talk", "Harbor Parks", "walking", "Sat 10-11am", "in_person", (2, -2),
     {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Open Studio Art Group", "Willow Bend Community Center", "art; crafts", "Thursdays 2-4pm",
     "in_person", (2, 1), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Knit & Natter", "Harbor Library", "crafts; loneliness", "Thursday afternoons",
     "in_person", (1, 0), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Friday Game Night", "Willow Bend Community Center", "games; loneliness", "Fri 6-8pm",
     "in_person", (2, 1), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Community Garden Crew", "Harbor Garden Project", "gardening; nature", "Sat 9:30-11:30am",
     "in_person", (3, 1), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Drum & Song Circle", "Harbor Peer Collective", "music", "Wednesdays 6-7pm", "in_person",
     (1, 0), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Writers' Workshop", "Harbor Peer Collective", "writing", "every other Thursday 6pm",
     "hybrid", (1, 0), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Peer Drop-In Center", "Harbor Peer Collective", "peer support; loneliness", "",
     "in_person", (1, 0), {"facilitation": "peer-led", "open_to_newcomers": True}),
    # health
    ("Living Well with Chronic Pain", "St. Mary Medical Center", "chronic pain",
     "2nd Thursday 1-2:30pm", "in_person", (3, 2), {"facilitation": "professional"}),
    ("Chronic Illness Peer Circle", "Harbor Peer Collective", "chronic illness",
     "Wed 1-2:30pm", "online", None, {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("HIV Peer Support Lunch", "Cascade HIV Alliance", "HIV", "1st & 3rd Tue 12:00-13:30",
     "in_person", (1, 1), {"facilitation": "peer-led", "open_to_newcomers": True}),
    ("Work It Out Employment Group", "Harbor Peer Collective", "employment; jobs",
     "Mondays 10-11am", "in_person", (1, 0), {"facilitation": "peer-led",
                                              "open_to_newcomers": True}),
    # Lakeview
    ("Lakeview AA Tuesday", "Lakeview Intergroup (AA)", "AA", "Tue 7-8pm", "in_person",
     ("lakeview", 0, 1), {"facilitation": "mutual-aid", "open_to_newcomers": True}),
]


def directory() -> list[GroupProfile]:
    vocab = load_vocabulary()
    groups = []
    for gid, (name, org, topics, schedule, fmt, where, extra) in enumerate(ROWS, start=1):
        lat = lon = None
        if where is not None:
            if where[0] == "lakeview":
                lat, lon = place(where[1], where[2], LAKEVIEW)
            else:
                lat, lon = place(*where)
        fields: dict[str, Any] = {"last_verified": FRESH, "languages": ("en",)}
        fields.update(extra)
        groups.append(GroupProfile(
            id=gid, name=name, organization=org,
            topics=vocab.normalize([t.strip() for t in topics.split(";")]).slugs,
            meetings=tuple(parse_schedule(schedule)) if schedule else (), format=fmt,
            latitude=lat, longitude=lon, **fields))
    return groups
