"""The text forms of a coordinate (degrees / minutes / seconds, hemisphere letters) and why a
text is none of them: shared by _coord_text.py (parsing) and _common.py (the row check's line),
with no import of either (badin18's message without an import cycle)."""

from __future__ import annotations

_N = r"\d+(?:[.,]\d+)?"  # a decimal comma too: 12°02'47,04"S (European spreadsheets)
PATTERN = (
    r"^(?i)(?P<h1>[NSEW])?\s*(?P<sign>[-+])?\s*(?P<d>" + _N + r")\s*[°º˚]?\s*"
    r"(?:(?P<m>" + _N + r")\s*(?:(?P<mk>['′’])\s*(?:(?P<s>" + _N + r")\s*(?:\"|″|''|”)\s*)?)?)?"
    r"(?P<h2>[NSEW])?$"
)
# Minutes without their mark (a logbook's `41 08.123N`, `008 36.456W`: heldout33b, refused "not
# a number, nor degrees / minutes / seconds text") only after whole degrees and a space or a
# degree sign, with a hemisphere letter: `41 08.123` alone stays unread (no letter says it is
# a coordinate written so)
UNMARKED_SEP = r"^\D*\d+(?:\s+|\s*[°º˚]\s*)\d"
AXIS_LETTERS = {"lat": ("N", "S"), "lon": ("E", "W")}


def why_not(text: str, axis: str) -> str:
    """Why a coordinate text did not parse, in a few words, for the row check's line (the text
    itself is shown beside it): `12°61'00"S` -> "minutes 61 are 60 or more"."""
    import re

    pos, neg = AXIS_LETTERS[axis]
    t = text.strip()
    if not t:
        return "empty"
    g = re.match(PATTERN.replace("(?i)", ""), t, flags=re.IGNORECASE)
    if g is None:
        return "not a number, nor degrees / minutes / seconds text such as 12°02'47\"S"
    h1, h2 = (g["h1"] or "").upper(), (g["h2"] or "").upper()
    num = {k: float(g[k].replace(",", ".")) for k in ("d", "m", "s") if g[k] is not None}
    if h1 and h2:
        return f"two hemisphere letters ({h1} and {h2})"
    if (h := h1 or h2) and h not in (pos, neg):
        return f"{h} is a letter of the other axis (a {axis} takes {pos} / {neg})"
    if (h1 or h2) and g["sign"]:
        return f"a sign and a hemisphere letter ({g['sign']} and {h1 or h2}): give one"
    if num.get("m", 0) >= 60:
        return f"minutes {g['m']} are 60 or more"
    if num.get("s", 0) >= 60:
        return f"seconds {g['s']} are 60 or more"
    if (
        "m" in num
        and not g["mk"]
        and not (h1 or h2)
        or ("m" in num and not g["mk"] and not re.match(UNMARKED_SEP, t))
    ):
        return "minutes without a ' mark need whole degrees, a space and a hemisphere letter"
    if "m" in num and num["d"] != int(num["d"]):
        return "degrees with a fraction and minutes too"
    return "not a coordinate text trajlm reads"
