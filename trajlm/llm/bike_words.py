"""A bike share's words for its own labels (set 34, ask34): where every label is a kind of bike ("classic" /
"electric", as a bike-share export's ``bike_type`` says it; labels that say "bike" themselves, set 22's
``classic_bike`` / ``electric_bike``, are read as they are), the riders' words are read against them:

- "e-bikes", "ebike rides", "electric bikes" are the electric label's trips; "classic bikes", "regular bikes",
  "pedal bikes", "mechanical bikes" the classic one's (where the data has that label);
- "bike" / "bikes" left over are every bike: "bike trips" are the trips, "which bike", "bike 4017" the vehicles
  (a bike-share's bikes are its vehicles; "bike" is no label here, so it was refused: "no trip is labelled
  'bike'").

Elsewhere (a travel diary's "bike" label, labels that are no bikes) nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# the labels' own words, without "bike": "classic bike" / "electric bike" (set 22's classic_bike) are read as they are
_ELECTRIC = r"electric|pedelec|e-?assist"
_CLASSIC = r"classic|regular|standard|pedal|mechanical|acoustic|normal"
_BIKE = r"(?:bikes?|bicycles?|cycles?)"


def every_label_a_bike(labels: Sequence[str]) -> bool:
    """Whether the labels are bike kinds only, one of them electric (a bike share's ``bike_type``)."""
    kinds = [lab for lab in labels if lab.strip()]
    return (
        len(kinds) >= 2
        and all(re.fullmatch(rf"(?:{_ELECTRIC}|{_CLASSIC}|cargo)", lab) for lab in kinds)
        and any(re.fullmatch(rf"(?:{_ELECTRIC})", lab) for lab in kinds)
    )


def bike_words(question: str, labels: Sequence[str]) -> str:
    """The question with a bike share's words for its labels written as the labels (see the module's doc)."""
    if not every_label_a_bike(labels):
        return question
    electric = next(lab for lab in labels if re.fullmatch(rf"(?:{_ELECTRIC})", lab))
    classic = next((lab for lab in labels if re.fullmatch(rf"(?:{_CLASSIC})", lab)), None)
    end = r"(?![\w\-/])(?!\s*[-_#]?\d)"  # a whole word, never an id ("bike 4017" is a vehicle)
    question = re.sub(
        rf"(?<![\w\-/])(?:e-?bikes?|ebikes?|electric\s+{_BIKE}){end}",
        electric,
        question,
        flags=re.I,
    )
    if classic is not None:
        question = re.sub(rf"(?<![\w\-/])(?:classic|regular|standard|pedal|mechanical|normal)\s+{_BIKE}{end}",
                          classic, question, flags=re.I)  # fmt: skip
    # what is left is every bike: "bike trips" the trips, "which bike" / "bike 4017" the vehicles
    question = re.sub(
        rf"(?<![\w\-/]){_BIKE}\s+(trips?|rides?|journeys?)\b", r"\1", question, flags=re.I
    )
    question = re.sub(
        r"(?<![\w\-/])(?:bikes|bicycles)(?![\w\-/])", "vehicles", question, flags=re.I
    )
    return re.sub(r"(?<![\w\-/])(?:bike|bicycle)(?![\w\-/])", "vehicle", question, flags=re.I)
