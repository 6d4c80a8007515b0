"""Set 39b (ask39b): a second fresh measure of `ask`, 24 questions (18 answerable, 6 to refuse) in audiences and
phrasings no set 26-39 used, over four seeded stores made for it (scripts/ask39b/gen.py, seed 3902): a ski resort's
snowcat fleet manager (S; "groom", "passes", "the night of", a date range "between 13 and 17 January", a nickname the
data does not have); a city council's e-bike pilot evaluator in a report's register (C; median, a proportion, "the
evaluation period", "different bikes"); a research vessel's chief scientist (V; "we", knots, nautical miles,
"steam", legs, 24-hour clock times "0600"); a Sydney courier in Australian English (A; "utes", "arvo", "kays", "all
up", "anyone", "went walkabout", "riding shotgun"). Truths: scripts/ask39b/truth.py (pandas, no trajlm). Written and
committed before any answer was read.
Words: a pass / ride / leg / drop = a trip (the file's trip column); a day's or a date range's count or distance =
the trips that began on those local dates (ends included: "between 13 and 17 January" = 13-17 January); "the night
of 20 January" = the passes that began on 20 January (every pass starts 17:00-23:00); "groom" = travel; "which
groomer" = label groomer, "spent the fewest hours" = the least trip time added up; "how long did a pass take" = the mean
trip duration; "the median trip length" = the median over trips of the trip's length; "proportion of rides made on
speed pedelecs" = label speed's share of rides (a fraction or a percentage); "before 8 am" = starting before 08:00
local; "the e-bikes" = every bike (the whole data is e-bikes); "different bikes used" = distinct vehicles with a
ride that began that day; "mean speed over ground on the survey legs" = the mean over survey legs of length /
duration, in knots (1.852 km/h); "steam" = travel, nautical miles = 1852 m; "the longest leg by distance" = the
trip with the largest length; "start between 0600 and 1800" = 06:00 <= start < 18:00 UTC (the ship's clock);
"underway on 4 October" = the durations of the legs that began that day added up, in hours; "the utes" = label ute;
"the arvo" = the afternoon, 12:00 <= start < 18:00 local; "kays" = km; "all up" = in total; "the shortest drops on
average, time-wise" = the lowest mean trip duration among label van; "the longest drop anyone did" = the largest
trip length. Kinds as ask_study_common.score.
"""

Q = [
    # S: a ski resort's snowcat fleet manager (America/Vancouver, January)
    ("S1", "How many km did PB-03 groom between 13 and 17 January?", "num"),
    ("S2", "Which groomer spent the fewest hours grooming?", "id"),
    ("S3", "On average, how long did a pass take, in minutes?", "num"),
    ("S4", "How many passes did the fleet make on the night of 20 January?", "num"),
    ("SR1", "How many km did Big Bertha cover on 15 January?", "refuse"),
    ("SR2", "How much snow fell overnight on 14 January?", "refuse"),
    # C: a city council's e-bike pilot evaluator (a report's register)
    ("C1", "What was the median trip length across the pilot, in kilometres?", "num"),
    ("C2", "What proportion of rides were made on speed pedelecs?", "share"),
    ("C3", "Over the evaluation period, how many rides began before 8 am?", "num"),
    ("C4", "How many km did the e-bikes travel in total between 3 and 9 September?", "num"),
    ("C5", "How many different bikes were used on Saturday 5 September?", "num"),
    ("CR1", "How many of the rides were made by first-time users?", "refuse"),
    # V: a research vessel's chief scientist (one ship, UTC)
    ("V1", "What was our mean speed over ground on the survey legs, in knots?", "num"),
    ("V2", "How many nautical miles did we steam on transit legs in total?", "num"),
    ("V3", "Which leg was the longest by distance?", "id"),
    ("V4", "How many legs did we start between 0600 and 1800?", "num"),
    ("V5", "How many hours were we underway on 4 October?", "num"),
    ("VR1", "What was the sea surface temperature on leg LEG07?", "refuse"),
    # A: a Sydney courier in Australian English
    ("A1", "How many drops did the utes do in the arvo on Thu 12 Nov?", "num"),
    ("A2", "How many kays did UTE-3 do all up?", "num"),
    ("A3", "Which van had the shortest drops on average, time-wise?", "id"),
    ("A4", "What's the longest drop anyone did, in km?", "num"),
    ("AR1", "How many parcels went walkabout this week?", "refuse"),
    ("AR2", "Who was riding shotgun in UTE-1 on Monday arvo?", "refuse"),
]
