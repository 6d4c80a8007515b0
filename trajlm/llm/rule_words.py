"""The rule planner's words (trajlm/llm/rules.py): the comparison and id patterns it reads, the
words that may remain once its phrases are read (KNOWN), and the vocabulary typos are mended into
(VOCAB, MEND_INTO; trajlm/llm/typo_audit.py checks them)."""

from __future__ import annotations

from trajlm.llm.actions import EXTREMES, METRIC_WORDS, SUPERLATIVES, UNIT_WORDS
from trajlm.llm.hours import DAY_PARTS, LABELS
from trajlm.llm.modes import MODES, RUN_WORDS
from trajlm.llm.phrases import MONTHS, NUM, UNIT
from trajlm.llm.plan import PLACES
from trajlm.llm.refusals import FORBIDDEN, GROUP_WORDS, MOMENT_SPEED, RELATIVE
from trajlm.llm.spelling import vocabulary
from trajlm.llm.synonyms import WORDS as SYNONYM_WORDS

MORE = r"(?:faster than|longer than|more than|greater than|higher than|over|above|at least|exceeding|exceeded|exceeds|exceed|>=?)"
# comparisons that include their bound ("at least 20 min"); the others exclude it (session 14)
INCLUSIVE = ("at least", "at most", "within", ">=", "<=")
LESS = (
    r"(?:slower than|shorter than|less than|fewer than|lower than|under|below|at most|within|<=?)"
)
# a trip id named without the word "trip": letters joined to digits by - or _
# ("syn-000042_0", "t_17"), or a long number (Porto's 19-digit ids), each after an optional
# "owner/" ("097/20070412134621_2": GeoLife's user/file_segment); never a date or coordinate
ID_TOKEN = (
    r"(?<![\w.\-])((?:[a-z0-9]+/)?"
    r"(?:(?:[a-z]+[\-_])+\d[\w\-]*|[a-z]+\d{3,}[\w\-]*|\d{6,}(?:[_\-]\w+)?))(?![\w.])"
    r"(?!\s*(?:m|km|metres?|meters?|kilometres?|kilometers?|mi|miles?|ft|feet|nm)\b)"  # "within 1000000000 m": a radius
)
# a numeric date is not a trip id ("trip 12/03/2024", "trip 2013/10/05")
NUMERIC_DATE = r"\d{1,4}[/.]\d{1,2}[/.]\d{2,4}(?![\w/])"
LABELLED = r"(?:labell?ed|tagged)\b"
# "only those slower than 5 m/s", "only bus trips", "only on weekends": "only" before a filter
# or the trips is read as nothing ("only one stop", "only once" are not: refused)
ONLY = (
    r"\bonly\s+(?=(?:those|these|the ones|ones|the|trips|rides|journeys|walks|tracks|weekdays?|weekends?"
    rf"|{MORE}|{LESS}|between|on|in|at|during|near|around|by|from|after|before|since|until|with"
    r"|that|which|when|where|" + "|".join(MODES.values()) + r")\b)"
)
# words that may remain after the phrases are read: grammar and the domain's nouns and verbs
KNOWN = set(
    """a an the of in on at by for to from with and or is are was were be been did do does
    made make have has had there their its it that which what how many much
    number count trips trip trajectories trajectory data journeys rides tracks segments all
    any every each average mean typical avg speed speeds duration length distance long
    took take takes taking lasted lasting last time took started start starting began begin
    departed happened happen passed pass went go going travelled traveled covered moved
    through near around close to area box rectangle show list give me find display
    tell which were done average trips' stop stops stopped stopping stationary longest
    top fastest slowest shortest most least points fixes by vehicle user driver taxi
    taxis vehicles users people person be will where whole set made in words words
    overall total there's what's mode modes please during per between ran
    trip's dataset database data set recorded logged exist exists we i you us my our can could
    would like want know see get got came come comes coming visited visit visits visiting
    reached reach entered enter crossed cross crossing passing passes gps made completed
    ride ride's runs altogether as long ones one those these them they than among amongst
    across goes head heads heading move moves moving rank sort order belong belongs belonging
    belonged owned took place occurred included include includes spend spent past ahead cover
    covers plain but single journey travel travelling traveling i'd i'm utc gmt driven drove
    drive drives anyone anybody someone somebody touched touch touches touching track local
    rode ridden riding driving record records attend attended attends handle handled handles""".split()
)
# the words read by the patterns inside the methods (for mending typos; KNOWN is what may stay)
READ_WORDS = """predict forecast where will going describe summarise summarize about english
    language text median total sum combined cumulative rank ranked sort sorted order ordered
    list show find display give return first top next ahead now count number how many much
    far fast ascending descending weekday weekdays weekend weekends working workdays workday
    monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays mon tue tues wed thu thur thurs fri sat sun onwards
    onward since until till before after between through thru morning afternoon evening
    night lunchtime nighttime mornings afternoons evenings nights o'clock am pm midnight noon
    midday latitude longitude lat lon lng bounding bbox within inside near around next close
    averaged averaging average gps id year during throughout terms corners coordinates only""".split()
VOCAB = vocabulary(
    [*KNOWN, *READ_WORDS, *MONTHS, *(m[:3] for m in MONTHS), "sept", *DAY_PARTS, *EXTREMES,
     *(w for p in PLACES for w in p.split()), *SYNONYM_WORDS],
    [MORE, LESS, *MODES.values(), RUN_WORDS, UNIT_WORDS, UNIT, NUM, METRIC_WORDS, LABELS, LABELLED,
     *SUPERLATIVES, GROUP_WORDS, MOMENT_SPEED, RELATIVE.pattern, FORBIDDEN.pattern],
)  # fmt: skip
# words the planner rewrites ("van": a vehicle) that a data set may use as its own labels
OWN_LABELS = frozenset(SYNONYM_WORDS)
# typos are mended into the planner's words, never into a place's name ("pizza" is no piazza)
MEND_INTO = VOCAB - {w for p in PLACES for w in p.split()}
