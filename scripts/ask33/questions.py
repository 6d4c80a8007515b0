"""Set 33 (ask33): 44 questions by four askers on three made stores, written and frozen before any answer was
read. kind: num (within 2 %), id (the expected id named on the answer's first line), time (HH:MM in the answer),
yesno (the first line starts with "yes" / "no" as the truth says; a bare list is "partial"), idnum (the id on the
first line and the number within 2 % in the answer), ids (every expected trip id in the answer, in any order),
pergroup (for every group of the truth, a line of the answer naming it holds its number within 2 %), refuse (a
one-line refusal expected).
Store letters: A Chicago delivery fleet (ISO on -06:00, asked with --tz America/Chicago), B Copenhagen phone
study (ISO on +01:00, asked with --tz Europe/Copenhagen), H the same phone study's rows posted to HTTP POST /ask
with the CSV's own keys (participant_id, segment_id, recorded_at, lat, lon, activity) and "tz":
"Europe/Copenhagen", C Sydney ferries (naive UTC, asked with --tz Australia/Sydney).
Date words: weekdays are the data's one week's (A: Mon 30 Nov - Sat 5 Dec 2026; B / H: Mon 16 - Sun 22 Nov
2026; C: Mon 30 Nov - Sun 6 Dec 2026). Groups: "the vans" VAN-*, "the e-bikes" EB-*, "the ferries" every vessel.
Words: on A a run is a trip; on C a voyage is a trip, "crossings" / "charters" the service labels; on B / H a
"trip" is a move (a segment not labelled "stay") and a "stay" a segment labelled "stay" (its length is its
duration). "Were all the X out on D" is yes when every X has a trip starting on D. "Did not stop": no step slower
than 1 m/s. "Between 7 and 9 am": starts from 07:00 to before 09:00. "And how far / how many": the leader's
own total that day. Stopped = steps slower than 1 m/s. Yes / no: yes when at least one trip matches."""

Q = [
    # A: a Chicago delivery firm's fleet manager: vans VAN-01 .. VAN-04 (two depots), e-bikes EB-1 / EB-2; runs
    # labelled by shift (early / late); packages, drivers, fuel to refuse
    ("A1", "Which van drove the furthest on Tuesday, and how far in miles?", "idnum"),
    ("A2", "Were all the vans out on Tuesday?", "yesno"),
    ("A3", "Were all the vans out on Monday?", "yesno"),
    ("A4", "How many miles did the e-bikes ride in total?", "num"),
    ("A5", "How many late shift runs were there on Thursday?", "num"),
    ("A6", "What was the average run length per van, in miles?", "pergroup"),
    ("A7", "How many runs started between 7 and 9 am?", "num"),
    ("A8", "How many van runs did not stop at all?", "num"),
    ("A9", "What time did VAN-02 get back to the depot on Friday?", "time"),
    ("A10", "Which e-bike made the most runs?", "id"),
    ("A11", "What was the average speed of the vans in mph?", "num"),
    ("A12", "What were the 3 longest van runs?", "ids"),
    ("AR1", "How many packages did VAN-01 deliver on Monday?", "refuse"),
    ("AR2", "Which driver worked the most overtime?", "refuse"),
    ("AR3", "How many gallons of fuel did the vans use on Wednesday?", "refuse"),
    # B: a phone-study analyst: participants P01-P06, moves (walk / bike / bus / car) and stays; homes, steps,
    # battery to refuse
    ("B1", "What were the top 3 longest stays?", "ids"),
    ("B2", "What was the average trip length per participant, in km?", "pergroup"),
    ("B3", "How many bike trips started between 7 and 9 am?", "num"),
    ("B4", "How many minutes did P03 spend walking on Wednesday?", "num"),
    ("B5", "Which participant walked the furthest?", "id"),
    ("B6", "Did P05 cycle on Saturday?", "yesno"),
    ("B7", "How many trips did P02 make on Tuesday?", "num"),
    ("B8", "How long was P04's longest stay, in hours?", "num"),
    ("B9", "How many bus trips were longer than 5 km?", "num"),
    ("BR1", "Where does P02 live?", "refuse"),
    ("BR2", "How many steps did P01 take on Monday?", "refuse"),
    ("BR3", "What was P05's battery level on Friday?", "refuse"),
    # H: the same analyst's dashboard, posting the study's rows to HTTP POST /ask
    ("H1", "How many km did P03 walk?", "num"),
    ("H2", "Which participant made the most bike trips?", "id"),
    ("H3", "Did P06 take the bus on Sunday?", "yesno"),
    ("H4", "How many trips did participant P01 make?", "num"),
    # C: a Sydney ferry operator: Aurora / Banksia / Coral / Dolphin; voyages labelled crossing / charter /
    # positioning; passengers, wind to refuse
    ("C1", "Which ferry sailed the most nautical miles on Wednesday, and how many?", "idnum"),
    ("C2", "What was the average speed of the crossings in knots?", "num"),
    ("C3", "How many crossings lasted more than 45 minutes?", "num"),
    ("C4", "Was Dolphin out on Thursday?", "yesno"),
    ("C5", "Were all the ferries out on Sunday?", "yesno"),
    ("C6", "How many charters were there at the weekend?", "num"),
    ("C7", "What time did Coral first leave on Monday?", "time"),
    ("C8", "How many minutes was Aurora stopped on Tuesday?", "num"),
    ("C9", "How many voyages did not stop?", "num"),
    ("C10", "Which were the 3 fastest crossings?", "ids"),
    ("C11", "How many voyages started before 7 am?", "num"),
    ("CR1", "How many passengers did Aurora carry on Monday?", "refuse"),
    ("CR2", "What was the wind speed during the charters?", "refuse"),
]
