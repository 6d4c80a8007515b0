"""Set 40 (ask40): a fresh measure of `ask`, 24 questions (18 answerable, 6 to refuse) in audiences and phrasings
no set 26-39b used, over four seeded stores made for it (scripts/ask40/gen.py, seed 40): an Aberdeenshire farmer
about the tractors at harvest in Scottish English (F; "put in ... hours at the baling", "all told", "the week", an
ordinal "the second most", a negation "never went out on the road", miles); a Lagos school-bus operator in Nigerian
English (N; "Please", "15th September", "the second most kilometres", "did not go out at all", mph, "between 7 and 9 am"); a mine
site's drone survey team in Western Australian English (D; "the third longest flight", knots, "clocked ... in the
air", "between 9 and 12", "knock over before smoko"); a motor insurer's claims handler (C; "never driven after 8 pm",
"VAN-A3's second longest trip" in miles, "being driven between 7 and 9 am" as yes / no, "personal-use", "the
accident"). Truths: scripts/ask40/truth.py (pandas, no trajlm). Written and committed before any answer was read.
Words: a job / run / flight / trip = a trip (the file's trip column); a day's count or distance = the trips that
began on that local date; "on the road" = label road; "put in the second most hours at the baling" = the tractor
with the second largest sum of label-baling trip durations; "started between 7 and 9 in the morning" = 07:00 <= start
< 09:00 local (likewise "between 7 and 9 am", "between 9 and 12"); "all told" / "all week" / "in total" = the whole
data; "which tractors never went out on the road" = the tractors with no label-road trip (idset: those named, the
others not); "the second most kilometres over the two weeks" = the bus with the second largest length of trips added up (the
data's two weeks); "did not
go out at all on Friday 18th September" = the buses with no trip that began that day; "average speed of the morning
runs in mph" = the mean over label-morning trips of length / duration (1 mile = 1609.344 m); "the third longest
flight, in minutes" = the third largest trip duration; "average ground speed of the mapping flights, in knots" = the
mean over label-mapping trips of length / duration (1 knot = 1.852 km/h); "clocked the fewest minutes in the air all
week" = the drone with the least trip time added up; "never driven after 8 pm" = the vans none of whose trips has a
fix at or after 20:00 local (idset); "VAN-A3's second longest trip, in miles" = its trip of second largest length;
"being driven between 7 and 9 am on Wednesday 7 October" = yes when one of its trips that day overlaps 07:00-09:00;
"personal-use trips" = label personal; "the mean business trip distance, in miles" = the mean length of label
business trips. Smoko (a tea break at no stated time), bales, diesel, altitude, pupils and who drove are not in the
data: refused. Kinds as ask_study_common.score.
"""

Q = [
    # F: an Aberdeenshire farmer about the tractors at harvest (Europe/London, August)
    ("F1", "How many miles did FENDT724 do on the road on Monday 17 August?", "num"),
    ("F2", "Which tractor put in the second most hours at the baling?", "id"),
    (
        "F3",
        "Aye, and how many ploughing jobs were started between 7 and 9 in the morning, all told?",
        "num",
    ),
    ("F4", "Which of the tractors never went out on the road?", "idset"),
    ("FR1", "How many bales did we make on Wednesday 12 August?", "refuse"),
    ("FR2", "How much diesel did MF5713 burn the week?", "refuse"),
    # N: a Lagos school-bus operator in Nigerian English (Africa/Lagos, September)
    ("N1", "Please how many kilometres did BUS-03 cover on Tuesday 15th September?", "num"),
    ("N2", "Which bus did the second most kilometres over the two weeks?", "id"),
    ("N3", "How many runs did the buses do between 7 and 9 am on Monday 21st September?", "num"),
    ("N4", "What is the average speed of the morning runs in mph?", "num"),
    ("N5", "Which buses did not go out at all on Friday 18th September?", "idset"),
    ("NR1", "How many pupils boarded BUS-02 on Monday 14th September?", "refuse"),
    # D: a mine site's drone survey team in Western Australian English (Australia/Perth, March)
    ("D1", "What was the third longest flight, in minutes?", "num"),
    ("D2", "How many flights did UAV-B do between 9 and 12 on Tuesday 3 March?", "num"),
    ("D3", "What was the average ground speed of the mapping flights, in knots?", "num"),
    ("D4", "Which drone clocked the fewest minutes in the air all week?", "id"),
    ("DR1", "What altitude did UAV-A reach on its longest flight?", "refuse"),
    ("DR2", "How many flights did we knock over before smoko on 3 March?", "refuse"),
    # C: a motor insurer's claims handler over a customer's telematics vans (Europe/London, October)
    ("C1", "Which vans were never driven after 8 pm?", "idset"),
    ("C2", "How long, in miles, was VAN-A3's second longest trip?", "num"),
    ("C3", "Was VAN-A1 being driven between 7 and 9 am on Wednesday 7 October?", "yesno"),
    ("C4", "How many personal-use trips were logged in total?", "num"),
    ("C5", "What was the mean business trip distance, in miles?", "num"),
    ("CR1", "Who was driving VAN-A1 when the accident happened on 8 October?", "refuse"),
]
