"""Set 38 (ask38): a fresh measure of `ask`, 30 questions in the words of four audiences no earlier set took the
words of: a delivery-bike courier company's ops lead (K, Amsterdam), an airport's ground-vehicle operator (G,
Frankfurt's apron), a wildlife ecologist with elk collars (W, near Bozeman), a US city's bike-share analyst (S,
Chicago). Data: scripts/ask38/gen.py (seed 38); truths: scripts/ask38/truth.py (pandas, no trajlm). Written and
committed before any answer was read; 7 must be refused (what the data does not record).
Words: a delivery / task / ride = a trip (the file's trip column); "delivery time" = a trip's duration; "average
speed of the e-bikes" = the mean of those trips' speeds (length / duration), as set 37's B4; "covered the most
kilometres over the week" = the steps' sum per vehicle; "the first delivery on Saturday" = the earliest local start
that day; "on Tuesday" for a distance = the trips that began that day; "between midnight and 5 am" = starts from
00:00 to 04:59; an elk's travel = the sum of its fixes' straight steps (2-h fixes); "days tracked" = local dates with
a fix; "average daily distance" = each local day's steps (dated by the step's first fix) added up, mean over the days
tracked; "the week of Sunday March 15" = a US week, Sun 15 - Sat 21 March; "between 5 and 7 pm on weekdays" = starts
17:00-18:59, Mon-Fri; miles = 1609.344 m. Kinds as ask_study_common.score.
G2 was changed after the truths were computed and before any answer was read: its first wording (Tuesday) had
its top two tugs within 0.1 % (24.19 / 24.18 km).
"""

Q = [
    # K: the courier company's ops lead (cargo bikes and e-bikes)
    ("K1", "How many deliveries did CB-13 make on Wednesday?", "num"),
    ("K2", "Which courier bike covered the most kilometres over the week?", "id"),
    ("K3", "What was the average delivery time in minutes for the cargo bikes?", "num"),
    ("K4", "How many deliveries took longer than 20 minutes?", "num"),
    ("K5", "What's the average speed of the e-bikes in km/h?", "num"),
    ("K6", "When did the first delivery on Saturday start?", "time"),
    ("KR1", "How many parcels did CB-12 deliver late?", "refuse"),
    ("KR2", "Which customer gave the best rating?", "refuse"),
    # G: the airport's ground-vehicle operator (tugs, fuel trucks, apron buses)
    ("G1", "How many tasks did the fuel trucks do in total?", "num"),
    ("G2", "Which tug drove the furthest on Wednesday?", "id"),
    ("G3", "What was the longest single task, in km?", "num"),
    ("G4", "How many hours did the apron buses spend on tasks on Thursday?", "num"),
    ("G5", "What share of all tasks were done by tugs?", "share"),
    ("G6", "Which vehicle did the most tasks between midnight and 5 am?", "id"),
    ("GR1", "How much fuel did FUEL-2 pump on Monday?", "refuse"),
    # W: the wildlife ecologist with elk collars (2-h fixes)
    ("W1", "How far did F07 travel in April, in km?", "num"),
    ("W2", "Which elk moved the most in total?", "id"),
    ("W3", "How many GPS fixes did collar M03 record?", "num"),
    ("W4", "On how many days was F12 tracked?", "num"),
    ("W5", "What was M03's average daily distance, in km?", "num"),
    ("WR1", "How many calves did F07 have this spring?", "refuse"),
    ("WR2", "What was M05's heart rate during the night?", "refuse"),
    # S: the city's bike-share analyst (US words)
    ("S1", "How many rides were taken in the week of Sunday March 15?", "num"),
    ("S2", "How many rides did casual riders take?", "num"),
    ("S3", "What was the average ride length in miles for members?", "num"),
    ("S4", "Which bike was ridden the most times?", "id"),
    ("S5", "How many rides started between 5 and 7 pm on weekdays?", "num"),
    ("S6", "What was the longest ride in minutes?", "num"),
    ("SR1", "How much revenue did casual rides bring in?", "refuse"),
    ("SR2", "Which docking station ran out of bikes most often?", "refuse"),
]
