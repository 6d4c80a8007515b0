"""Set 37 (ask37): questions by three askers on three made stores, refusals for a drone operator / a mountain guide /
an insurer / a sweeper fleet's data that is not there, and session 36's leftovers on sets 35 / 36's stores, written
and frozen before any answer was read. Kinds as sets 34-36's (ask_study_common.score).
Store letters: A Denver school buses (ISO with the offset -07:00, asked with --tz America/Denver; vehicles = buses
SB-101 ..., label = route North / South / East; a run is a trip), B Vienna street sweepers (Unix seconds, --tz
Europe/Vienna; vehicles = SW-01 ..., label = mode sweeping / transit; a job is a trip), C an insurer's telematics
for Melbourne (ISO Z, --tz Australia/Melbourne; vehicles = policies P-20417 ..., no label; a speed_kmh column);
leftovers: H set 36's ferries (--tz Europe/Helsinki), R set 35's runners (--tz Europe/Berlin).
Date words: A Mon 2 - Fri 6 Nov 2026; B Mon 9 - Sat 14 Nov 2026; C Mon 2 - Sun 29 Mar 2026; H Mon 1 - Sun 7 Jun
2026.
Words (the rules of sets 26-36 and these): "stopped" = steps slower than 1 m/s; a stop = a run of such steps inside
a trip, its length their seconds; "time on board" = a trip's duration (first to last fix); a total on a date (km,
hours) = the steps beginning on that local date; "on Wednesday" for counts = trips starting then; "swept" /
"sweeping" = trips labelled sweeping, "in transit" = labelled transit; "at night" = a start from 22:00 to before
06:00 (set 15's hours); "the week of 9 March" = Mon 9 - Sun 15 Mar; "per week" = weeks Monday to Sunday by the
trip's start, every week of the data's span listed (a week with no trips is 0: C8); "average trip speed per week" =
each week's own mean of its trips' average speeds (distance / duration); "on weekends" = trips starting on Saturday
or Sunday, hours = their durations; "the cars" / "car" = the policies' vehicles; "which ferry" = the vessels (set
36's A11; every vessel of that store is a ferry); R's words as set 35's (a run is an activity; a negative split =
the second half of the distance faster than the first).
A4 was changed after the truths were computed and before any answer was read: its first wording (the most km)
had three buses within 0.5 % of each other."""

Q = [
    # A: a school-bus operator: six buses, three routes, two runs a day; pupils, lateness against a timetable refused
    ("A1", "How many trips did SB-102 make on Wednesday?", "num"),
    ("A2", "What was the average time on board on the North route, in minutes?", "num"),
    ("A3", "What was the average trip duration per route, in minutes?", "pergroup"),
    ("A4", "Which bus drove the fewest km?", "id"),
    ("A5", "How long was SB-103 stopped on Tuesday, in minutes?", "num"),
    ("A6", "What time did the first bus leave on Monday?", "time"),
    ("A7", "How many afternoon trips were there on Thursday?", "num"),
    ("A8", "Did SB-104 drive on Wednesday?", "yesno"),
    ("A9", "What was the average speed of the buses in km/h?", "num"),
    ("A10", "How many km did the buses drive on Friday?", "num"),
    ("A11", "How many trips took longer than 50 minutes?", "num"),
    ("A12", "How many stops longer than 3 minutes did the buses make?", "num"),
    ("A13", "What was the longest trip on the East route, in km?", "num"),
    ("AR1", "Which stops were served late?", "refuse"),
    ("AR2", "How many pupils rode SB-101 on Monday?", "refuse"),
    # B: a street-sweeper fleet: five sweepers, sweeping / transit jobs; coverage of streets and districts refused
    ("B1", "How many km did the sweepers sweep on Monday?", "num"),
    ("B2", "How many hours did SW-02 spend sweeping on Wednesday?", "num"),
    ("B3", "What was the average sweeping speed, in km/h?", "num"),
    ("B4", "Which sweeper swept the most km?", "id"),
    ("B5", "Did every sweeper work on Saturday?", "yesno"),
    ("B6", "What share of the jobs were in transit?", "share"),
    ("B7", "How many sweeping jobs did each sweeper do?", "pergroup"),
    ("B8", "What time did the first sweeper start on Tuesday?", "time"),
    ("B9", "How many km did SW-04 cover in total?", "num"),
    ("B10", "What was the longest sweeping job, in hours?", "num"),
    ("B11", "How many jobs started before 5:00?", "num"),
    ("BR1", "What share of the district was covered on Monday?", "refuse"),
    ("BR2", "How many passes did each street get?", "refuse"),
    ("BR3", "How much water did SW-01 use?", "refuse"),
    # C: an insurer over telematics: six policies' cars, four weeks; harsh braking, altitude, line of sight refused
    ("C1", "What share of trips started at night?", "share"),
    ("C2", "How many km did P-20417 drive in the week of 9 March?", "num"),
    ("C3", "What was the average trip length in km?", "num"),
    ("C4", "Which car drove the most km?", "id"),
    ("C5", "How many trips did P-20433 make at night?", "num"),
    ("C6", "How many trips had an average speed above 60 km/h?", "num"),
    ("C7", "How many hours did P-20428 drive on weekends?", "num"),
    ("C8", "How many trips did P-20455 make per week?", "pergroup"),
    ("C9", "What was the average trip speed per week, in km/h?", "pergroup"),
    ("C10", "How many trips did the cars make on Saturday 14 March?", "num"),
    ("C11", "Did P-20455 drive in the week of 16 March?", "yesno"),
    ("C12", "What was the longest trip, in km?", "num"),
    ("CR1", "How many harsh braking events did P-20417 have?", "refuse"),
    ("CR2", "What was the maximum altitude of P-20428?", "refuse"),
    ("CR3", "How much time did P-20441 spend above 3000 m?", "refuse"),
    ("CR4", "How long was P-20462 out of line of sight?", "refuse"),
    # session 36's leftovers
    ("H1", "Which ferry was stopped the longest on Wednesday?", "id"),
    ("R1", "How many runs did Keiko do?", "num"),
    ("R2", "Did Jonas run a negative split on his longest run?", "yesno"),
]
