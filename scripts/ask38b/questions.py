"""Set 38b (ask38b): a second fresh measure of `ask`, 24 questions (18 answerable, 6 to refuse) in audiences and
phrasings no set 26-38 used, over set 38's four seeded stores (scripts/ask38/gen.py, seed 38, regenerated under
$ASK38_OUT): a courier dispatcher writing English as a second language, with typos (K, couriers); an airport
safety auditor who speaks knots and "last Monday" given a stated today (G, apron vehicles); a hiking app's
product manager planning elk-viewing trails, in miles (W, elk collars); a newspaper journalist over the bike
share, in mph and "last Tuesday" (S, rides). Truths: scripts/ask38b/truth.py (pandas, no trajlm). Written and
committed before any answer was read. K2 was reworded after the truths, before any read (its first wording, "the
most slow on average", had its two slowest bikes within 1.1 %: 14.96 / 15.12 km/h).
Words: a delivery / task / ride = a trip (the file's trip column); "how much deliverys" = how many; a trip's
speed = its length / duration, a group's "average speed" the mean over its trips (as set 37's B4 / set 38's K5);
"made the less kilometers on tuesday" = the bike
whose trips that began that day add up to the smallest length; "yesterday" given "today is Saturday 21
March" = Friday 20 March; "last Monday" said on Friday 13 February = Monday 9 February (that week's; the Monday
before has no data); "last Tuesday" said on Monday 16 March = Tuesday 10 March; a day's count or distance = the
trips that began that local day; "ran past 10 minutes" / "lasted under ten minutes" = duration > / < 600 s;
"covered more ground" = the trips' lengths added up; an elk's distance = the sum of its fixes' straight steps
(2-h fixes), "between April 1 and April 7" = the steps whose both fixes fall on those local dates; "the least
distance" = the smallest total; "which day of the week" = the weekday (Mon..Sun) whose local dates hold the
most trip starts; miles = 1609.344 m; knots = 1.852 km/h; mph = miles per hour. Kinds as
ask_study_common.score.
"""

Q = [
    # K: a courier dispatcher, English as a second language, typos as typed
    ("K1", "how much deliverys CB-15 is doing on friday?", "num"),
    ("K2", "wich bike made the less kilometers on tuesday?", "id"),
    ("K3", "total kilometers of all cargo bikes together on monday please", "num"),
    ("K4", "Today is Saturday 21 March. How many deliveries was there yesterday?", "num"),
    ("K5", "avarage lenght of one delivery for the ebikes, in km?", "num"),
    ("KR1", "how many tips the couriers get on tuesday?", "refuse"),
    # G: an airport safety auditor (knots, a stated today)
    ("G1", "What was the average speed of the tugs, in knots?", "num"),
    ("G2", "Today is Friday 13 February. How many tasks did TUG-3 do last Monday?", "num"),
    ("G3", "How many tasks ran past 10 minutes?", "num"),
    ("G4", "Which fuel truck covered more ground, FUEL-1 or FUEL-2?", "id"),
    ("GR1", "How many aircraft did TUG-1 push back on Tuesday?", "refuse"),
    ("GR2", "How many passengers did BUS-2 carry on Wednesday?", "refuse"),
    # W: a hiking app's product manager (elk-viewing trails, miles)
    ("W1", "How many miles did M05 roam over the whole month?", "num"),
    ("W2", "Which elk covered the least distance?", "id"),
    ("W3", "How many km did F07 travel between April 1 and April 7?", "num"),
    ("W4", "How many position fixes do we have for F11 altogether?", "num"),
    ("WR1", "Which hiking trail did F07 use most often?", "refuse"),
    ("WR2", "How much does M03 weigh?", "refuse"),
    # S: a newspaper journalist over the bike share (mph, a stated today)
    ("S1", "How many miles did bike B1007 log in total?", "num"),
    ("S2", "Today is Monday March 16. How many rides were there last Tuesday?", "num"),
    ("S3", "What was the average speed of casual riders in mph?", "num"),
    ("S4", "How many rides lasted under ten minutes?", "num"),
    ("S5", "On which day of the week were the most rides taken?", "id"),
    ("SR1", "How many riders wore a helmet?", "refuse"),
]
