"""The plural nouns a question names trips by ("runs", "voyages", "crossings", "shifts"), one list for the readers
that look for a trip's noun: every_vehicle ("were all the crossings longer than 5 km": each trip), fleet_words ("the 3
longest van runs": the ids' word before a trip's noun) and which_movers ("which vans had a run that did not stop").
They were three lists of different words (tidy33, review33); merged in session 35 (ask35), measured on sets 26-35
and their paraphrases (docs/llm.md "Session 35 (ask35)"). The rewrites of a trade's own words into "trips" (an
ambulance's "jobs", a drone's "sorties") are synonyms.TRIP_NOUNS, a table of another kind.
"""

from __future__ import annotations

TRIP_NOUNS = (
    r"trips|runs|journeys|rides|voyages|crossings|rounds|deliveries|stays|tracks|flights|walks|jobs"
    r"|tasks|movements|sessions|tours|shifts|passages"
)  # fmt: skip
# the singular of each ("a run", "one voyage")
TRIP_NOUN = (
    r"trip|run|journey|ride|voyage|crossing|round|delivery|stay|track|flight|walk|job"
    r"|task|movement|session|tour|shift|passage"
)  # fmt: skip
