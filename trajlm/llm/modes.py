"""The transport modes the rule planner reads ("by bike", "bus trips", "walks") and the running words that are a
mode only as nouns; split out of rules.py (session 19, which added "walked")."""

MODES = {
    "walk": r"walk|walking|walks|walked|on foot|pedestrians?|walkers?",
    "bike": r"bike|bikes|biking|bicycles?|cycling|cycled|cycle|cyclists?",  # "did P07 cycle" (newuser32)
    "bus": r"(?:school\s+)?(?:bus|buses)",
    "car": r"car|cars|driving",
    "taxi": r"taxi",
    "train": r"trains?",
    "subway": r"subway|metro",
    "airplane": r"airplanes?|planes?|flights?",
    "boat": r"boats?",
    "run": r"jogging|joggers?|runners?",  # "runs", "running": see RUN_WORDS
}
# "runs" / "running" are also verbs ("the trip runs from ..."): a mode only as a noun
RUN_WORDS = (
    r"\b(?:of|the|all|many|any|which|what|my|our|their|\d+)\s+(runs)\b"
    r"|\b(?:went|go|going|by|for)\s+(running)\b|\b(runs|running)(?=\s+(?:trips|journeys|rides))"
)
