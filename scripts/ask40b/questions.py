"""Set 40b (ask40b): a second fresh measure of `ask`, 24 questions (18 answerable, 6 to refuse) in audiences and
phrasings no set 26-40 used, over four seeded stores made for it (scripts/ask40b/gen.py, seed 4002): a Dublin taxi
co-op in Irish English (T; "Grand", "the fortnight", "the busiest hour for hail fares", "if you don't count the
rank ones", "the fourth longest", a unit in the threshold "longer than 5 miles"); a Cape Town waste-collection
fleet in South African English (K; "rounds", "on the go", metres per second, "didn't do any recycling rounds at
all", "robots" = traffic lights); a wildlife vet over collared elephants in Botswana (E; animals' names as movers,
"walk", "the second least ground", "the cows" = the label, "on the move", metres per minute, "did not move at all");
a Queenstown helicopter tour operator (H; "regos", "heli-ski" for the label heliski, "not counting", "in the air at 3
in the afternoon" as yes / no). Truths: scripts/ask40b/truth.py (pandas, no trajlm). Written and committed before
any answer was read.
Words: a fare / round / bout / flight = a trip (the file's trip column); a day's count, distance or hours = the
trips that began on that local date; "the busiest hour for hail fares over the fortnight" = the local start hour
with the most label-hail trips in the whole data; "the most fares if you don't count the rank ones" = the cab
with the most non-rank trips; "CAB-14's fourth longest fare, in minutes" = its fourth largest trip duration; "longer
than 5 miles" = length > 8046.72 m; "on the go the longest" = the largest sum of trip durations that day; "average
speed of the recycling rounds, in metres per second" = the mean over label-recycling trips of length / duration;
"didn't do any recycling rounds at all" = the trucks with no label-recycling trip (idset); "how far did Tumelo
walk" = the length of his trips that day; "the second least ground over the whole study" = the elephant with the
second smallest length of trips added up; "hours the cows spent on the move" = the sum of label-cow trip durations
that day; "Kagiso's fastest bout, in metres per minute" = his largest trip length / duration; "did not move at all
on Thursday 16 April" = the elephants with no trip that began that day (idset); "the shortest heli-ski flight, in
minutes" = the smallest label-heliski trip duration; "the most flying hours, not counting the heli-ski trips" = the
largest sum of non-heliski trip durations; "in the air at 3 in the afternoon" = yes when one of its trips spans
15:00 local. Tips, tonnes, robots (traffic lights), body temperature, passengers and fuel are not in the data:
refused. Kinds as ask_study_common.score.
"""

Q = [
    # T: a Dublin taxi co-op in Irish English (Europe/Dublin, November)
    ("T1", "Grand, how many kilometres did CAB-14 do on Saturday 7 November?", "num"),
    ("T2", "What was the busiest hour for hail fares over the fortnight?", "hour"),
    ("T3", "Which car did the most fares if you don't count the rank ones?", "id"),
    ("T4", "What was CAB-14's fourth longest fare, in minutes?", "num"),
    ("T5", "How many fares were longer than 5 miles?", "num"),
    ("TR1", "How much did CAB-12 take in tips on Friday 13 November?", "refuse"),
    # K: a Cape Town waste-collection fleet in South African English (Africa/Johannesburg, February)
    ("K1", "How many recycling rounds did the trucks do on Thursday 12 February?", "num"),
    ("K2", "Which truck was on the go the longest on Tuesday 10 February?", "id"),
    ("K3", "What's the average speed of the recycling rounds, in metres per second?", "num"),
    ("K4", "Which trucks didn't do any recycling rounds at all?", "idset"),
    ("KR1", "How many tonnes did CPT-102 collect on Monday 9 February?", "refuse"),
    ("KR2", "How many robots did CPT-103 stop at on Wednesday 11 February?", "refuse"),
    # E: a wildlife vet over collared elephants in northern Botswana (Africa/Gaborone, April)
    ("E1", "How far did Tumelo walk on Tuesday 14 April, in km?", "num"),
    ("E2", "Which elephant covered the second least ground over the whole study?", "id"),
    ("E3", "How many hours did the cows spend on the move on Wednesday 15 April?", "num"),
    ("E4", "What was Kagiso's fastest bout, in metres per minute?", "num"),
    ("E5", "Which of the elephants did not move at all on Thursday 16 April?", "idset"),
    ("ER1", "What was Naledi's body temperature when we darted her?", "refuse"),
    # H: a Queenstown helicopter tour operator (Pacific/Auckland, February)
    ("H1", "How many scenic flights did ZK-HBA fly on Saturday 14 February?", "num"),
    ("H2", "What was the shortest heli-ski flight, in minutes?", "num"),
    ("H3", "Which helicopter logged the most flying hours, not counting the heli-ski trips?", "id"),
    ("H4", "Was ZK-HBC in the air at 3 in the afternoon on Monday 9 February?", "yesno"),
    ("HR1", "How many passengers did ZK-HBB carry on Friday 13 February?", "refuse"),
    ("HR2", "How much fuel did ZK-HBA burn on its longest flight?", "refuse"),
]
