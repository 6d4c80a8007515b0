"""Set 34 (ask34): 52 questions by three askers on three made stores (40 answerable, 8 to refuse) and ask33 /
ask33b's four leftovers on set 33's stores, written and frozen before any answer was read.
kind: num (within 2 %), id (the expected id named on the answer's first line), time (HH:MM in the answer),
yesno (the first line starts with "yes" / "no" as the truth says; a bare list is "partial"), idset (the
answer names every expected vehicle and no other vehicle of the store), hour (the answer's first line names
the hour as HH:00), share (the value within 2 % of the truth as a fraction or as a percentage), refuse (a
one-line refusal expected).
Store letters: A the Scheldt / Antwerp AIS export (naive UTC, asked with --tz Europe/Brussels), B Montreal
bike-share rides (Unix seconds, asked with --tz America/Toronto), C Amboseli GPS collars (ISO UTC "Z", asked
with --tz Africa/Nairobi); the leftovers: F set 33's Chicago fleet store (--tz America/Chicago), N the same
fleet's rows as a pandas frame with no vehicle column (run / timestamp / latitude / longitude / shift), P set
33's Copenhagen phone store (--tz Europe/Copenhagen).
Date words: weekdays are the data's one week's (A: Mon 8 - Sun 14 Jun 2026; B: Mon 1 - Sun 7 Jun 2026); C's
dates are June 2026 (1-14). Words (the rules of sets 26-33 and these): a voyage / ride is a trip; on C an
animal's track is its trips and a step across a silence of more than 6 h adds no distance; "anchored /
at anchor / waited" = stopped (steps slower than 1 m/s; a stop is a run of them, a trip's longest stop its
longest run); "which ships anchored longer than 6 h" = the vessels with a voyage whose longest stop is over
6 h; "hours at anchor" = the sum of its stopped steps; "busiest hour" = the start hour (local) with the most
trips; "share of trips under 2 km" = trips shorter than 2 km / all trips; "median speed on weekends" = the
median of the trips' speeds (length / duration) of trips starting on Saturday or Sunday; "e-bike" / "electric"
= label electric; "furthest per day" = the highest mean over the local dates an animal was tracked of its km
that date (each step on the local date it began); "home range" = the 100 % minimum convex polygon of the
animal's fixes (km², the fixes projected flat around their mean); "between 5 and 7 pm" = starts from 17:00 to
before 19:00; "between midnight and 6" = starts from 00:00 to before 06:00. Leftovers: "were all the vans
out?" with no day is yes when every van (VAN-*) has a trip in the data; "did every van stop?" on rows with no
vehicle column cannot be checked van by van (refuse); "average mph across the vans" = the mean speed of the
vans' runs (ask33's A11); "who walked the furthest" = the participant with the most km of walk trips (ask33's
B5)."""

Q = [
    # A: a port authority over AIS: 8 vessels by name, types Container Ship / Tanker / Bulk Carrier; cargo,
    # draught, berths to refuse
    ("A1", "Which ships anchored for longer than 6 hours?", "idset"),
    ("A2", "How many voyages started between midnight and 6?", "num"),
    ("A3", "What was the average speed of the tankers in knots?", "num"),
    ("A4", "How many nautical miles did the container ships sail in total?", "num"),
    ("A5", "Which vessel sailed the most nautical miles on Wednesday?", "id"),
    ("A6", "How many tanker voyages were there on Thursday?", "num"),
    ("A7", "How many hours did KESTREL spend at anchor in total?", "num"),
    ("A8", "Was any ship at anchor for more than 12 hours?", "yesno"),
    ("A9", "What time did SCHELDE STAR first leave on Friday?", "time"),
    ("A10", "How many different vessels were tracked?", "num"),
    ("A11", "What was the longest voyage, in nautical miles?", "num"),
    ("A12", "How many bulk carrier voyages lasted more than 8 hours?", "num"),
    ("A13", "Did MERIDIAN anchor on Wednesday?", "yesno"),
    ("A14", "How many nautical miles did ATLANTIC DAWN sail on Monday?", "num"),
    ("AR1", "What cargo was STOLT LARK carrying?", "refuse"),
    ("AR2", "What was the draught of the tankers on Monday?", "refuse"),
    ("AR3", "Which berth did NORDIC ORION use on Tuesday?", "refuse"),
    # B: a city cycling officer over bike-share rides: bikes 4001-4060, classic / electric; members,
    # stations, revenue to refuse
    ("B1", "What was the busiest hour for bike trips?", "hour"),
    ("B2", "What share of trips were under 2 km?", "share"),
    ("B3", "What was the median speed on weekends, in km/h?", "num"),
    ("B4", "How many e-bike rides were longer than 5 km?", "num"),
    ("B5", "What was the average ride duration in minutes?", "num"),
    ("B6", "Which bike was used the most?", "id"),
    ("B7", "How many rides were there on Saturday?", "num"),
    ("B8", "How many rides started between 5 and 7 pm?", "num"),
    ("B9", "How many km were ridden on classic bikes in total?", "num"),
    ("B10", "Was bike 4017 used on Sunday?", "yesno"),
    ("B11", "What was the longest ride, in minutes?", "num"),
    ("B12", "How many rides did bike 4022 make?", "num"),
    ("B13", "What was the average speed of the electric bikes in km/h?", "num"),
    ("B14", "How many trips were under 1 km?", "num"),
    ("BR1", "How many of the riders were members?", "refuse"),
    ("BR2", "Which docking station was the busiest?", "refuse"),
    ("BR3", "How much revenue did the e-bikes make on Friday?", "refuse"),
    # C: a wildlife ecologist over GPS collars: elephants Kito / Naserian / Baraka / Zawadi, giraffes Twiga /
    # Neema; calves, temperature to refuse
    ("C1", "Which animal travelled furthest per day?", "id"),
    ("C2", "What was the home range of Kito, in square km?", "num"),
    ("C3", "How far did Naserian travel in total, in km?", "num"),
    ("C4", "How many km did the giraffes cover on 5 June?", "num"),
    ("C5", "Which animal moved the furthest on 9 June?", "id"),
    ("C6", "How many animals were tracked?", "num"),
    ("C7", "Was Baraka tracked on 11 June?", "yesno"),
    ("C8", "What was Zawadi's average daily distance, in km?", "num"),
    ("C9", "Which giraffe travelled the furthest in total?", "id"),
    ("C10", "How far did the elephants travel in total, in km?", "num"),
    ("C11", "What was the average speed of Twiga in km/h?", "num"),
    ("C12", "Which elephant travelled the least in total?", "id"),
    ("CR1", "How many calves does Naserian have?", "refuse"),
    ("CR2", "What was the temperature when Twiga was tracked?", "refuse"),
    # ask33 / ask33b's leftovers on set 33's stores
    ("F1", "Were all the vans out?", "yesno"),
    ("N1", "Did every van stop?", "refuse"),
    ("F2", "Average mph across the vans?", "num"),
    ("P1", "Who walked the furthest?", "id"),
]
