"""Set 35 (ask35): 44 questions by three askers on three made stores (36 answerable, 8 to refuse) and
session 34's leftovers (10: 8 answerable, 2 to refuse) on set 34's and set 33's stores, written and frozen
before any answer was read. Kinds as set 34's (scripts/ask34/questions.py; ask_study_common.score); A8's "id" became "idword" (the id as
a whole word) after the first read, where "16.7 km/h" (no route named) was scored right for route 7.
Store letters: A Calgary bus AVL (ISO with -06:00, asked with --tz America/Edmonton; label = route 14 / 7 /
22, vehicles = buses 8101-8112), B a Leeds parcel firm's van week (ISO UTC "Z", --tz Europe/London; vehicles =
number plates of two words), C Munich runners' GPX (ISO +02:00, --tz Europe/Berlin; vehicles = athletes;
the store keeps no elevation: `ele` is not kept by ingest); leftovers: L set 34's AIS store
(--tz Europe/Brussels), V the same AIS rows as a polars frame with columns vessel_name / vessel_type / t /
lat / lon and no voyage column (badin34b's case 253), K set 34's collars store (--tz Africa/Nairobi), F set
33's Chicago fleet store (--tz America/Chicago).
Date words: A Mon 14 - Fri 18 Sep 2026; B Mon 14 - Sat 19 Sep 2026; C Mon 7 - Sun 20 Sep 2026 (weekday names
in C mean the second week only where said; C's questions give dates).
Words (the rules of sets 26-34 and these): a bus trip / tour / run (activity) is a trip; "route 14" = label
14; "headway on route 14" = the mean gap in minutes between consecutive starts of route 14's trips on the
same local date (all directions); "idle" = stopped (steps slower than 1 m/s), "idle hours" their sum;
"first departure on D" = the earliest trip start on local date D, "got back" = a trip's end; "fastest km" =
the shortest time for a whole km counted from the start of a run (km 1, 2, ...; by the cumulative step
length), in min:s; "negative split" = the second half of the run's distance took less time than the first;
"pace" = duration / length per run, the mean of the runs'; a run "in the week of 7 September" = starting
7-13 Sep. Leftovers: "which vans had a run that did not stop" = vans with a run with no stopped step;
"which vans never stopped" = vans none of whose runs has a stopped step; the bare "which vans did not stop?"
reads two ways (refuse or ask back); "which ships sailed more than 320 nm in total" = vessels whose voyages
add to > 320 nm; "on a single voyage" = a voyage over the amount; the bare form two ways (refuse); "95 %
kernel home range" = the area (km²) inside the 95 % isopleth of a Gaussian kernel density of the fixes
(projected flat around their mean) with the reference bandwidth h = sqrt((sx² + sy²) / 2) n^(-1/6), on a
grid of 200 x 200 over the fixes' extent plus 3 h each side (within 5 %: kind num at 2 % is kept, the
value read by hand if it falls within 5 %); V: "at anchor on D" = a step slower than 1 m/s beginning on
local date D that is not across a silence of more than 1 h; a ship's nm in total = its steps not across
such a silence."""

Q = [
    # A: a transit agency over bus AVL: routes 14 / 7 / 22, buses 8101-8112; passengers, lateness, fares refused
    ("A1", "How many trips did route 14 run on Tuesday?", "num"),
    ("A2", "What was the average headway on route 14, in minutes?", "num"),
    ("A3", "Which bus drove the most km on Wednesday?", "id"),
    ("A4", "What was the average speed on route 7, in km/h?", "num"),
    ("A5", "How many trips took longer than 45 minutes?", "num"),
    ("A6", "What time did the first trip on route 22 start on Monday?", "time"),
    ("A7", "How many km did bus 8104 drive in total?", "num"),
    ("A8", "Which route had the slowest average speed?", "idword"),
    ("A9", "How many hours was bus 8107 stopped on Thursday?", "num"),
    ("A10", "Were any buses out after 21:00 on Friday?", "yesno"),
    ("A11", "How many different buses ran route 22?", "num"),
    ("A12", "How many trips were there on Friday?", "num"),
    ("AR1", "How many passengers boarded route 14 on Tuesday?", "refuse"),
    ("AR2", "Which buses ran late on Monday?", "refuse"),
    ("AR3", "What was the fare revenue on route 7?", "refuse"),
    # B: a logistics planner over a van week: five vans by number plate; parcels, fuel, drivers refused
    ("B1", "How many idle hours did LV21 KXP have?", "num"),
    ("B2", "What time did the first van leave on Tuesday?", "time"),
    ("B3", "How many miles did the fleet drive on Wednesday?", "num"),
    ("B4", "Which van drove the most miles?", "id"),
    ("B5", "What was the average tour length in miles?", "num"),
    ("B6", "How many tours lasted more than 8 hours?", "num"),
    ("B7", "Did every van go out on Saturday?", "yesno"),
    ("B8", "What was the average speed of the vans in mph?", "num"),
    ("B9", "Which van had the most idle time on Friday?", "id"),
    ("B10", "What time did the last van get back on Thursday?", "time"),
    ("B11", "How many tours were there in total?", "num"),
    ("B12", "How many miles did YD70 BHN drive on Monday?", "num"),
    ("BR1", "How many parcels did LV21 KXP deliver on Monday?", "refuse"),
    ("BR2", "How much fuel did the fleet use?", "refuse"),
    ("BR3", "Which driver was in LV21 KXP on Tuesday?", "refuse"),
    # C: a sports scientist over runners' GPX: Amara, Jonas, Keiko, Luis; heart rate, calories, elevation
    # (not in the store) refused
    ("C1", "What was Amara's fastest km on 13 September?", "num"),
    ("C2", "Did Jonas run a negative split on his longest run?", "yesno"),
    ("C3", "What was Luis's average pace in min/km?", "num"),
    ("C4", "Who ran the furthest in total?", "id"),
    ("C5", "How many runs were longer than 15 km?", "num"),
    ("C6", "What was the longest run, in km?", "num"),
    ("C7", "How many km did Amara run between 7 and 13 September?", "num"),
    ("C8", "What was Jonas's average run duration, in minutes?", "num"),
    ("C9", "How many runs did Keiko do?", "num"),
    ("C10", "Which runner had the fastest average speed?", "id"),
    ("C11", "How many km did the runners cover on 20 September?", "num"),
    ("C12", "What was Keiko's average speed in km/h?", "num"),
    ("CR1", "What was Amara's heart rate on her long run?", "refuse"),
    ("CR2", "What was Keiko's total elevation gain on 20 September?", "refuse"),
    # session 34's leftovers
    ("F1", "Which vans had a run that did not stop?", "idset"),
    ("F2", "Which vans never stopped?", "idset"),
    ("FR1", "Which vans did not stop?", "refuse"),
    ("L1", "Which ships sailed more than 320 nm in total?", "idset"),
    ("L2", "Which ships sailed more than 62 nm on a single voyage?", "idset"),
    ("LR1", "Which ships sailed more than 60 nm?", "refuse"),
    ("K1", "What was Kito's 95% kernel home range, in square km?", "num"),
    ("V1", "Was SCHELDE STAR at anchor on Wednesday?", "yesno"),
    ("V2", "Was KESTREL at anchor on Wednesday?", "yesno"),
    ("V3", "How many nautical miles did KESTREL sail in total?", "num"),
]
