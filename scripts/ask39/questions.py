"""Set 39 (ask39): a fresh measure of `ask`, 24 questions (18 answerable, 6 to refuse) in audiences and phrasings no
set 26-38b used, over four seeded stores made for it (scripts/ask39/gen.py, seed 39): a wildlife ranger in the
Kruger Park (the southern hemisphere, South African English; R, lion / hyena collars); a Bengaluru food-delivery
fleet manager in Indian English ("kindly tell", "kms", "6th May", "maximum orders"; I, riders); a teenager asking
about their own phone, lower case and slang (T, walks / scooter / bus); a Yorkshire haulage firm's transport
manager in British English ("clock up", "the fortnight", "lorries", two units in one question, a week compared
with the week before; H, lorries). Truths: scripts/ask39/truth.py (pandas, no trajlm). Written and committed
before any answer was read.
Words: an order / job / ride / trip = a trip (the file's trip column); an animal's distance = the sum of its fixes'
straight steps (hourly fixes), on a day = the steps whose both fixes fall on that local date; "the first week of
June" = 1-7 June local; a day's count or distance = the trips that began that local day; "the EV riders" = label
ev; "maximum orders" = the most trips; "the lunch slot between 12 and 3 pm" = trips starting 12:00 <= t < 15:00
local, every day of the data; "average time taken per order" = the mean trip duration; "sat 9 may" = 9 May 2026;
"my scooter" = label scooter; "did i walk more in the week of 11 may than the week of 4 may" = the walks' km added
up per Monday-to-Sunday week, yes if the later week's is larger; "how many times did i get the bus" = bus trips;
"clock up over the fortnight" = the lorry's trips' lengths added up over the whole data (1-13 June); "the fewest
jobs" = the fewest trips; "more jobs in the week of 8 June than in the week of 1 June" = trips starting 8-14 June vs
1-7 June; "average journey time of the fridge lorries" = their mean trip duration; "the lorries' average speed" =
the mean over trips of length / duration (as set 37's B4), said in km/h (the answer's first line must write the km/h
number; mph is the second unit asked); "in km and in miles" scored on the km number written. miles = 1609.344 m.
Kinds as ask_study_common.score.
"""

Q = [
    # R: a wildlife ranger in the Kruger Park (South African English, southern-hemisphere winter)
    ("R1", "How far did the lioness L02 walk altogether, in kilometres?", "num"),
    ("R2", "Which hyena covered the most ground?", "id"),
    ("R3", "How many fixes did we receive from L03 in the first week of June?", "num"),
    ("R4", "What distance did H01 cover on 10 June, in km and in miles?", "says"),
    ("RR1", "How many impala did the lions kill last week?", "refuse"),
    ("RR2", "What was L01's heart rate on 3 June?", "refuse"),
    # I: a Bengaluru food-delivery fleet manager (Indian English)
    ("I1", "Kindly tell the total kms done by rider RID-104 on Tuesday.", "num"),
    ("I2", "How many orders were delivered by the EV riders on 6th May?", "num"),
    ("I3", "What is the average time taken per order, in minutes?", "num"),
    ("I4", "Which rider did maximum orders on Saturday?", "id"),
    ("I5", "How many orders were there in the lunch slot between 12 and 3 pm?", "num"),
    ("IR1", "How much cash on delivery did RID-101 collect?", "refuse"),
    # T: a teenager about their own phone (lower case, slang)
    ("T1", "how far did i go on my scooter on sat 9 may lol", "num"),
    ("T2", "whats the longest scooter ride i did, in km", "num"),
    ("T3", "did i walk more in the week of 11 may than the week of 4 may", "yesno"),
    ("T4", "how many times did i get the bus", "num"),
    ("TR1", "how many calories did i burn walking", "refuse"),
    ("TR2", "who was i with on friday", "refuse"),
    # H: a Yorkshire haulage firm's transport manager (British English)
    ("H1", "How many miles did YX21 ABC clock up over the fortnight?", "num"),
    ("H2", "Which lorry did the fewest jobs?", "id"),
    ("H3", "Were there more jobs in the week of 8 June than in the week of 1 June?", "yesno"),
    ("H4", "What was the average journey time of the fridge lorries, in minutes?", "num"),
    ("H5", "What's the lorries' average speed in km/h and mph?", "says"),
    ("HR1", "How much diesel did the lorries burn on Monday?", "refuse"),
]
