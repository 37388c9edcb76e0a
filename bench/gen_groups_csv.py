"""Write a synthetic native group CSV of N rows, for timing ``peer group import``.

Usage: python bench/gen_groups_csv.py N OUT.csv [--seed 7]

Rows vary the way real directories do: topics through synonyms ("bereavement", "AA"), every
schedule form (weekly, several days, nth weekday, last weekday, every other week, daily, the
split days/time columns), in person / online / hybrid, languages by name and code, facilitation,
audience, accessibility, cost, coordinates, and a few inactive groups. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

COLUMNS = (
    "id", "name", "organization", "description", "topics", "schedule", "days", "time",
    "end_time", "format", "address", "city", "postal_code", "latitude", "longitude",
    "online_url", "languages", "facilitation", "audience", "accessibility", "cost", "phone",
    "email", "website", "notes", "status",
)

TOPICS = (
    "grief", "bereavement; loss", "anxiety, depression", "Anxiety & Depression", "bipolar",
    "AA", "alcohol recovery", "NA; drug recovery", "dual diagnosis", "trauma; PTSD",
    "caregivers", "family members", "parents", "LGBTQ+", "veterans", "young adults",
    "older adults", "chronic pain", "hearing voices", "walking", "art", "gardening",
    "cooking", "music", "knitting", "mindfulness", "loneliness; games", "eating disorders",
    "gambling", "smoking cessation", "suicide loss; grief", "hoarding", "employment",
)
SCHEDULES = (
    "Tuesdays 6-7:30pm", "Mon/Wed/Fri noon-1pm", "1st & 3rd Thu 18:30-20:00",
    "every other Saturday 10am", "last Sunday of the month 2 PM", "2nd Monday noon-1:30pm",
    "daily 7am", "Thursdays 7pm", "Sat 10am-12pm", "Wednesdays 10am", "Mon 18:00-19:30",
    "Tue/Thu 10-11:30am", "1st Sat 9am-1pm", "Fridays 6-7pm", "Sun 5-6:30pm",
    "Mon 10:00-11:30; Thu 18:00-19:30", "weekdays 8am",
)
SPLIT = (("Monday", "6:00 PM", "7:30 PM"), ("Tue", "18:30", ""), ("Wednesday", "noon", "1pm"),
         ("Sat", "10:00 AM", "11:30 AM"), ("Thu", "7pm", "8:30pm"))
FORMATS = ("In person", "Online", "Hybrid", "Zoom", "in-person", "")
LANGUAGES = ("English", "Spanish", "en", "es", "English; Spanish", "Vietnamese", "", "", "")
FACILITATION = ("Peer-led", "Professional", "Mutual aid", "peer led", "")
AUDIENCE = ("", "", "Women", "Veterans", "LGBTQ+", "Young adults", "Older adults",
            "Family members")
ACCESS = ("Wheelchair accessible", "Step-free entrance", "ASL interpreter", "", "")
COSTS = ("Free", "Free", "$5 suggested", "Sliding scale", "")
CITIES = (("Riverton", "97401"), ("Alder Falls", "97402"), ("Willow Bend", "97404"),
          ("Cedar Point", "97405"), ("Millbrook", "97408"))
STREETS = ("Millrace Street", "Heron Bend Drive", "Oak Avenue", "Main Street", "Church Road",
           "Station Lane", "River Road")
ORGS = ("Riverton Peer Support Collective", "Alder Valley Hospice", "Willow Bend Community Center",
        "County Behavioral Health", "Hope House", "Recovery Cafe", "Intergroup")
WORDS = ("peer", "support", "group", "circle", "recovery", "friends", "together", "hope",
         "morning", "evening", "welcome", "community", "share", "listen", "wellness")


def make_row(i: int, rnd: random.Random) -> list[str]:
    topic = rnd.choice(TOPICS)
    fmt = rnd.choice(FORMATS)
    city, postal = rnd.choice(CITIES)
    online = fmt in ("Online", "Hybrid", "Zoom")
    in_person = fmt != "Online" and fmt != "Zoom"
    address = f"{rnd.randint(1, 9999)} {rnd.choice(STREETS)}" if in_person else ""
    schedule, days, time, end = rnd.choice(SCHEDULES), "", "", ""
    if rnd.random() < 0.2:
        schedule = ""
        days, time, end = rnd.choice(SPLIT)
    words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 30)))
    name = f"{topic.split(';')[0].split(',')[0].title()} {rnd.choice(WORDS).title()} {i}"
    lat = f"{44 + rnd.random():.4f}" if in_person else ""
    lon = f"{-123 - rnd.random():.4f}" if in_person else ""
    return [
        f"SYN-{i:06d}", name, rnd.choice(ORGS), words.capitalize() + ".", topic, schedule,
        days, time, end, fmt, address, city if in_person else "", postal if in_person else "",
        lat, lon, f"https://meet.example.org/g{i}" if online else "", rnd.choice(LANGUAGES),
        rnd.choice(FACILITATION), rnd.choice(AUDIENCE), rnd.choice(ACCESS), rnd.choice(COSTS),
        f"(541) 555-{rnd.randint(0, 9999):04d}", f"group{i}@example.org",
        f"https://groups.example.org/{i}", "Newcomers welcome" if rnd.random() < 0.3 else "",
        "inactive" if rnd.random() < 0.03 else "active",
    ]


def write_csv(n: int, out: Path, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for i in range(1, n + 1):
            writer.writerow(make_row(i, rnd))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of groups")
    parser.add_argument("out", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_csv(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
