"""Set 30 (ask30): 60 questions by three personas no earlier set had, written and frozen before any
answer was read. kind: num (within 2 %), id (the expected id named first), time (HH:MM in the answer),
refuse (a one-line refusal expected).
Store letters: A vineyard (US month-first 12-hour times, naive Los Angeles time, ingested with
--tz America/Los_Angeles), B gritters (day-first times, naive London time, ingested with --tz Europe/London),
C rebalancing vans (ISO times with a +01:00 offset, asked with --tz Europe/Paris).
Date words: weekdays are the data's one week's (A: Mon 30 Nov - Sat 5 Dec; B: Tue 1 - Mon 7 Dec; C: Mon 30
Nov - Sat 5 Dec); "the night of the 3rd" the trips starting from noon on the 3rd to noon on the 4th (session
26's night shifts); "Saturday morning" that Saturday; "last winter" / "this month" ask for what the data lack.
Groups: "the tractors" are T1 - T3 (not ATV-4), "the gritters" GRT-* (not PLOUGH-2), "the vans" VAN-*
(not the trike TRI-3)."""

Q = [
    # A: a Napa vineyard manager: tractors T1-T3 and the ATV, spray / mow / prune / haul jobs, the shop,
    # miles and mph, 12-hour clock; acres, gallons, blocks, tons of grapes to refuse
    ("A1", "How many spray jobs did T2 do on Tuesday?", "num"),
    ("A2", "How many miles did T1 mow in total?", "num"),
    ("A3", "Which tractor put the most miles on this week?", "id"),
    ("A4", "What was T3's average speed while mowing, in mph?", "num"),
    ("A5", "How many hours was the ATV out on Thursday?", "num"),
    ("A6", "What time did T1 head out on Wednesday 2 December?", "time"),
    ("A7", "How many jobs started before 7 am?", "num"),
    ("A8", "How many minutes was ATV-4 sitting idle on Monday?", "num"),
    ("A9", "What was the longest hauling job in miles?", "num"),
    ("A10", "How many mowing jobs ran longer than 90 minutes?", "num"),
    ("A11", "How far did T3 go on Friday, in km?", "num"),
    (
        "A12",
        "How many minutes did T1 spend within 200 m of the shop at 38.4050, -122.3600 on Tuesday?",
        "num",
    ),
    ("A13", "What was the average job length in minutes?", "num"),
    ("A14", "How many miles did the tractors cover on Saturday 5 December?", "num"),
    ("A15", "How many pruning jobs did ATV-4 do?", "num"),
    ("AR1", "How many acres did T2 spray on Tuesday?", "refuse"),
    ("AR2", "How many gallons of spray did T1 put down?", "refuse"),
    ("AR3", "Which block got mowed the most?", "refuse"),
    ("AR4", "How many tons of grapes did T3 haul?", "refuse"),
    ("AR5", "How many mowing jobs did T7 do?", "refuse"),
    # B: a county council's winter-service manager: gritters and the plough, salting / ploughing /
    # deadhead runs, the depot, miles, morning and evening runs, a snow night; salt tonnes, road
    # temperature, road names, last winter, drivers to refuse
    ("B1", "How many salting runs did GRT-12 do on Thursday?", "num"),
    ("B2", "How many miles did GRT-11 salt in total?", "num"),
    ("B3", "Which gritter covered the most miles?", "id"),
    ("B4", "What was the average speed of the gritters while salting, in mph?", "num"),
    ("B5", "How many hours did PLOUGH-2 work on the night of the 3rd?", "num"),
    ("B6", "What time did GRT-14 leave the depot on Saturday morning?", "time"),
    ("B7", "How many runs started before 5 am?", "num"),
    ("B8", "How many miles of deadheading did GRT-15 do?", "num"),
    ("B9", "What was the longest ploughing run, in hours?", "num"),
    ("B10", "How many salting runs took more than 2 hours?", "num"),
    ("B11", "How long was GRT-11's evening run on Sunday, in minutes?", "num"),
    ("B12", "How many km did the fleet cover on Sunday 6 December?", "num"),
    ("B13", "What was the average run time in minutes?", "num"),
    ("B14", "How many runs started after 6 pm?", "num"),
    ("B15", "How many runs did PLOUGH-2 do in total?", "num"),
    ("BR1", "How many tonnes of salt did GRT-11 spread?", "refuse"),
    ("BR2", "What was the road temperature when GRT-12 went out on Friday?", "refuse"),
    ("BR3", "Which roads did GRT-14 treat on Friday?", "refuse"),
    ("BR4", "How many runs did GRT-12 do last winter?", "refuse"),
    ("BR5", "Who was driving GRT-15 on Saturday?", "refuse"),
    # C: a Paris bike-share operator's rebalancing lead: vans and the cargo trike, missions (rebalancing /
    # repair / battery swap), docking stations, parked, the depot; bikes moved, empty stations, e-bike
    # batteries, diesel cost, an unknown van to refuse
    ("C1", "How many rebalancing missions did VAN-07 do on Wednesday?", "num"),
    ("C2", "How many km did TRI-3 ride on Tuesday?", "num"),
    ("C3", "Which van drove the furthest?", "id"),
    ("C4", "What was the average speed of the vans in km/h?", "num"),
    ("C5", "How many battery swap missions were there on Friday?", "num"),
    ("C6", "What was the longest repair mission, in minutes?", "num"),
    ("C7", "How many missions lasted more than 2 hours?", "num"),
    ("C8", "How many minutes did VAN-12 spend parked on Thursday?", "num"),
    ("C9", "What time did VAN-19 finish on Monday?", "time"),
    ("C10", "How many missions started between 7 and 9 am?", "num"),
    ("C11", "How many missions started after 6 pm?", "num"),
    ("C12", "What was the average rebalancing mission duration in minutes?", "num"),
    (
        "C13",
        "How many minutes did VAN-07 spend within 150 m of the depot at 48.8400, 2.3700 on Tuesday?",
        "num",
    ),
    ("C14", "How many km did the whole fleet drive in total?", "num"),
    ("C15", "Which vehicle did the most battery swap missions?", "id"),
    ("CR1", "How many bikes did VAN-12 move on Monday?", "refuse"),
    ("CR2", "Which docking station was empty most often?", "refuse"),
    ("CR3", "How many e-bikes had a flat battery?", "refuse"),
    ("CR4", "How much did diesel cost for VAN-07 this month?", "refuse"),
    ("CR5", "How many missions did VAN-05 do?", "refuse"),
]
