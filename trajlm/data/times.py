"""A time column read as Unix seconds: datetimes (tz-aware, or naive = UTC), Unix seconds
(numbers or numeric text; milliseconds refused with a hint), ISO 8601 strings. Day/month
orders that would be guessed (02/12/2026) are refused; unparsed strings are named with their
file line. The kind and zone come back too, so results can be mapped back (data/coerce.py).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import numpy as np
import polars as pl

from trajlm.data.readers._java_dates import JAVA_DATE, JS_DATE, java_js_dates
from trajlm.data.readers._zone_suffix import frame_zone_hint
from trajlm.data.schema import LINE, TrajlmInputError
from trajlm.data.time_text import row_offsets as row_offsets  # importable here, as before
from trajlm.data.time_text import text_style as text_style
from trajlm.data.time_text import times_as_text as times_as_text
from trajlm.errors import DayMonthGuess, warn_at_caller


def _unparsed(df: pl.DataFrame, s: pl.Series) -> str:
    """The first values of text times `s` that do not parse, with their file line (LINE) or
    row; the first values when no format can be inferred at all."""
    try:
        bad = s.str.to_datetime(time_zone="UTC", strict=False).is_null() & s.is_not_null()
    except pl.exceptions.PolarsError:
        return f"first values {s.head(3).to_list()}"
    idx = bad.arg_true().head(3).to_list()
    if not idx:
        return f"first values {s.head(3).to_list()}"
    lines = df[LINE] if LINE in df.columns else None
    where = [f"file line {lines[i]}" if lines is not None else f"row {i}" for i in idx]
    return "e.g. " + ", ".join(f"{s[i]!r} at {w}" for i, w in zip(idx, where, strict=True))


_DOTTED = ("%d.%m.%Y %H:%M:%S%.f", "%d.%m.%Y %H:%M", "%d.%m.%Y")  # day-first dotted dates
_OFFSET = r"(?:Z|[+-]\d\d(?::?\d\d)?)\s*$"  # an ISO time's zone: Z, +02, +0200, +02:00


def _refuse_zone_mix(s: pl.Series, col: str) -> None:
    """ISO texts where some carry an offset and some none (`2026-03-01T10:03:00` beside
    `2026-03-01T10:04:00+00:00`) each parse alone; together polars fails, which was told "do not
    parse as ISO dates" (badin30). Named as the mix, with a row of each kind."""
    zoned = s.str.contains(_OFFSET)
    if zoned.all() or not zoned.any():
        return
    try:
        s.filter(zoned).str.to_datetime(time_zone="UTC")
        s.filter(~zoned & s.is_not_null()).str.to_datetime()
    except pl.exceptions.PolarsError:
        return  # some text is no ISO time at all: the caller's line names it
    i, j = int(zoned.arg_max()), int((~zoned).arg_max())  # type: ignore[arg-type]
    raise TrajlmInputError(
        f"times mix ISO text with an offset ({s[i]!r} at row {i}) and without one ({s[j]!r} at "
        f"row {j}): which clock the ones without are on is a guess",
        field=col,
        hint="write the offset on every time (Z for UTC, +02:00), or give datetimes",
    )


def time_column_seconds(
    df: pl.DataFrame, col: str, text: str = "df[col]"
) -> tuple[pl.Series, str, str | None]:
    """The time column as Int64 UTC seconds, with its kind and zone (to map results back).
    `text`: how the caller's frame spells the time text in a refusal's pandas example (a Date +
    Time pair joined: `df['Date'] + ' ' + df['UTC']`; heldout28's balloons were told to parse
    `df[col]`, a time of day, which fails)."""
    s = df[col]
    dt = s.dtype
    if dt == pl.Date:
        s, dt = s.cast(pl.Datetime("us")), pl.Datetime("us")
    if isinstance(dt, pl.Datetime):
        zone = dt.time_zone
        if zone is None:
            s = s.dt.replace_time_zone("UTC")  # naive = UTC
        return s.dt.epoch("s"), "datetime", zone
    era = ""
    if dt == pl.Utf8:  # Buddhist-Era years (Thai exports: 2569 = 2026), as ingest reads them
        from trajlm.data.readers._buddhist_era import BUDDHIST_YEAR, common_era

        if s.str.contains(BUDDHIST_YEAR).any():
            s = pl.DataFrame({col: s}).select(common_era(pl.col(col))).to_series()
            era = ("years such as 2569 are the Buddhist Era, past pandas' 2262: write them as "
                   r"Common-Era years first, df[col].str.replace(r'/(2[56]\d\d)', lambda m: "
                   "f'/{int(m[1]) - 543}', regex=True); then ")  # fmt: skip
    if dt == pl.Utf8 and s.str.contains(r"^\s*[+-]?\d+(\.\d*)?\s*$").all():
        # Unix seconds as text (a CSV read with dtype=str): the numbers' path, ms check included
        return time_column_seconds(pl.DataFrame({col: s.str.strip_chars().cast(pl.Float64)}), col)
    # 02/12/2026, 02.12.2026, and 02-12-2026 (badin24: polars read dashes day-first, so a frame's
    # 09-10-2026 was 9 October with no word, where ingest refuses the guess)
    slash = r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    # slashes too (heldout34b: a Field Maps frame's `3/14/2024 3:11:13 PM` was refused as a guess
    # that its 14 decides, where ingest reads the same file): a value past 12 tells the order
    if dt == pl.Utf8 and s.str.contains(r"^\s*\d{1,2}(/\d{1,2}/|-\d{1,2}-)\d{4}([ T]|$)").all():
        from trajlm.data.readers._times import slashed_times  # as ingest reads them: by the values

        read = (
            pl.DataFrame({col: s.str.strip_chars()}).select(slashed_times(pl.col(col))).to_series()
        )
        if read.null_count() == s.null_count():  # a day (or month) past 12 told the order
            return read.dt.replace_time_zone("UTC").dt.epoch("s"), "string", "UTC"
    if dt == pl.Utf8 and s.str.contains(r"^\s*\d{1,2}\.\d{1,2}\.\d{4}([ T]|$)").all():
        # 01.05.2026 12:00:46: dots are day-first (de, ru, fi, cs ...), as ingest reads them
        # (heldout25: a collar's UTC_Date + UTC_Time was refused here, read by ingest)
        text = s.str.strip_chars()
        read = text.str.to_datetime(_DOTTED[0], strict=False)
        for f in _DOTTED[1:]:
            read = read.fill_null(text.str.to_datetime(f, strict=False))
        if read.null_count() == s.null_count():
            return read.dt.replace_time_zone("UTC").dt.epoch("s"), "string", "UTC"
    if (
        dt == pl.Utf8
        and s.str.contains(r"^\s*\d{1,2}:\d\d:\d\d \d{1,2}-[A-Za-z]{3}-\d{4}\s*$").all()
    ):
        # `00:28:07 23-Sep-2026`: a Wildlife Computers Argos `Date`, clock first and a month name
        # (unambiguous; ingest reads it too: _times.parse_time; session 29)
        read = s.str.strip_chars().str.to_datetime("%H:%M:%S %d-%b-%Y", strict=False)
        if read.null_count() == s.null_count():
            return read.dt.replace_time_zone("UTC").dt.epoch("s"), "string", "UTC"
    if dt == pl.Utf8 and s.str.contains(r"^\s*\d{1,2}[\s./-]\pL{3,}\.?[\s./-]\d{4}\b").all():
        # `10-ene-2026 00:40:46`: the day first and a month name, English or another language's
        # (heldout30's Spanish cattle portal; pandas' %b is English only): ingest's reading
        from trajlm.data.readers._times import parse_time

        read = s.to_frame("x").select(parse_time("x", None)).to_series()
        if read.null_count() == s.null_count():
            return read, "string", "UTC"
    if dt == pl.Utf8 and (s.str.contains(JAVA_DATE) | s.str.contains(JS_DATE)).all():
        # `Mon Mar 02 07:40:02 GMT+01:00 2026` (Java / JavaScript Date text, Torque Pro's `GPS
        # Time`): its offset read, as ingest reads it (heldout33: refused "not ISO")
        read = s.to_frame("x").select(java_js_dates(pl.col("x").str.strip_chars())).to_series()
        if read.null_count() == s.null_count():
            return read.dt.epoch("s"), "string", "UTC"
    if dt == pl.Utf8 and s.str.contains(slash).any():
        sample = df[col].filter(s.str.contains(slash)).head(1).to_list()  # the caller's text
        if (read := _day_first_by_name(s, col, text, sample[0])) is not None:
            return read, "string", "UTC"
        from trajlm.data.readers._zone_suffix import pandas_offsets, strip_zone_word

        plain, zoned = strip_zone_word(sample[0]), ""  # '7:05:10 AM' keeps its AM
        if zones := pandas_offsets(s.drop_nulls().unique(maintain_order=True).to_list()):
            # `03/07/2026 11:51 AKST` (heldout29): the format alone fails on the zone word;
            # written as offsets, %z reads each row's own (AKST, then AKDT)
            repl = ", ".join(f"r' {z}$': ' {o}'" for z, o in zones.items())
            text, zoned = f"{text}.replace({{{repl}}}, regex=True)", " %z"
        raise DayMonthGuess(  # polars would guess day-first: 02/12 would silently be 2 Dec
            f"times like {sample} leave the day/month order to a guess",
            field=col,
            hint=f"{era}parse them first, e.g. pd.to_datetime({text}, format='{_day_first(plain)}"
            f"{zoned}'{', utc=True' if zoned else ''}){_month_first(plain)}, or give ISO 8601 "
            "strings (2026-12-02T10:05:00Z)",
        )
    if dt == pl.Utf8:
        try:
            parsed = s.str.to_datetime(time_zone="UTC")
        except pl.exceptions.PolarsError as e:
            _refuse_zone_mix(s, col)
            raise TrajlmInputError(
                f"times are strings that do not parse as ISO dates ({_unparsed(df, s)})",
                field=col,
                hint=frame_zone_hint(s, text) or "give datetimes, Unix seconds or ISO 8601 strings",
            ) from e
        return parsed.dt.epoch("s"), "string", "UTC"
    if dt.is_numeric():
        big = s.abs().max()
        if dt == pl.Float32 and big is not None and big > 2**24:  # spacing > 1 s from 2^24
            step = 2.0 ** (int(np.floor(np.log2(float(big)))) - 23)
            raise TrajlmInputError(
                f"times are 32-bit floats, which hold Unix seconds near {big:.4g} only to "
                f"{step:g} s (nearby fixes become one time)",
                field=col,
                hint="give them as Float64 or Int64 from the source (a cast now cannot bring "
                "back the lost seconds)",
            )
        if big is not None and big > 1e11 and _digits14(s):
            raise TrajlmInputError(  # was told "milliseconds: divide by 1000" (heldout29)
                f"times such as {int(s.drop_nulls()[0])} are date-times written as 14 digits "
                "(yyyymmddHHMMSS), not Unix seconds",
                field=col,
                hint=f"parse them first: pd.to_datetime({text}.astype(str), format='%Y%m%d%H%M%S')",
            )
        if big is not None and big > 1e11:
            raise TrajlmInputError(
                f"times reach {big:.3g}, which as Unix seconds is after the year 5000",
                field=col,
                hint=epoch_unit_hint(float(big)),
            )
        return s.cast(pl.Float64).floor().cast(pl.Int64), "epoch", "UTC"
    raise TrajlmInputError(
        f"times have type {dt}", field=col, hint="give datetimes, Unix seconds or ISO strings"
    )


def sub_seconds(df: pl.DataFrame, col: str) -> pl.Series | None:
    """Each row's time below the whole second (Float64 in [0, 1): the part ``time_column_seconds``
    floors away), or None when every time is a whole second (the model reads whole seconds;
    results put this part back, data/coerce.py, so 1-10 Hz fixes keep their exact times)."""
    s, dt = df[col], df[col].dtype
    if dt == pl.Utf8 and s.str.contains(r"^\s*[+-]?\d+(\.\d*)?\s*$").all():
        s, dt = s.str.strip_chars().cast(pl.Float64), pl.Float64
    elif dt == pl.Utf8:
        try:
            s, dt = s.str.to_datetime(time_zone="UTC", strict=False), pl.Datetime("us", "UTC")
        except pl.exceptions.PolarsError:
            return None
    if isinstance(dt, pl.Datetime):  # in the column's own unit (ns: below the us too)
        per = 1_000_000_000 if dt.time_unit == "ns" else 1_000_000
        us = s.dt.epoch("ns" if per == 1_000_000_000 else "us")
        frac = (us - (us // per) * per).cast(pl.Float64) / per
    elif dt.is_float():
        f = s.cast(pl.Float64)
        frac = f - f.floor()
    else:  # integers, dates: whole seconds
        return None
    frac = frac.fill_null(0.0).fill_nan(0.0)
    return frac if bool((frac != 0).any()) else None


def time_decimals(frac: pl.Series) -> int:
    """The fewest decimals (0-6) that write every fraction of ``frac`` (``sub_seconds``) to
    within half a microsecond: 2 for ``1772441171.24`` (whose Float64 fraction is
    0.24000000953...), 3 for milliseconds; 6 (the microsecond) at most. Results' times are
    rounded to it, so an answer never shows digits the input had not (fix34)."""
    f = frac.cast(pl.Float64).fill_null(0.0).fill_nan(0.0)
    for d in range(6):
        if bool(((f - f.round(d)).abs() < 5e-7).all()):
            return d
    return 6


def epoch_datetimes(t: pl.Expr, float_t: bool) -> pl.Expr:
    """Unix seconds -> UTC datetimes (naive, us): whole seconds as ``pl.from_epoch(t, "s")``
    does; fractional ones (``float_t``: sub-second times kept, data/coerce.py) to the us."""
    if float_t:
        return pl.from_epoch((t * 1e6).round().cast(pl.Int64), time_unit="us")
    return pl.from_epoch(t, time_unit="s")


def epoch_unit_hint(big: float) -> str:
    """What epoch times reaching `big` look like (ms from 1e11, µs from 1e14, ns from 1e17)
    and the divisor that makes them Unix seconds."""
    if big > 4.2e18:  # past 2100 even as nanoseconds: no epoch unit makes these dates
        return ("these are no Unix time in any unit (seconds to nanoseconds): give datetimes, "
                "ISO 8601 strings or Unix seconds")  # fmt: skip
    unit, div, pd_unit = "milliseconds", "1000", "ms"
    if big > 1e17:
        unit, div, pd_unit = "nanoseconds", "1e9", "ns"
    elif big > 1e14:
        unit, div, pd_unit = "microseconds", "1e6", "us"
    return f"these look like {unit}: divide by {div} (or pd.to_datetime(col, unit={pd_unit!r}))"


def warn_future(t: pl.Series, now_s: float | None = None) -> None:
    """One warning (count, the latest time, what to check) when times `t` (Unix s) lie over a
    day in the future: ``trajlm data ingest`` drops such rows (timestamp_in_future); a model
    call predicts on them, said once."""
    from trajlm.data.readers._common import FUTURE_TOLERANCE_S

    now_s = time.time() if now_s is None else now_s
    ahead = t.filter(t > now_s + FUTURE_TOLERANCE_S)
    if len(ahead) == 0:
        return
    latest = datetime.fromtimestamp(int(ahead.max()), UTC)
    days = (int(ahead.max()) - now_s) / 86400
    warn_at_caller(
        f"{len(ahead)} of {len(t)} point(s) are in the future (latest "
        f"{latest:%Y-%m-%dT%H:%M:%SZ}, {days:,.1f} days from now): check the "
        "device clock and time zone (local times read as UTC?); predicted as given here, while "
        "`trajlm data ingest` drops them (timestamp_in_future)"
    )


def _digits14(s: pl.Series) -> bool:
    """Every value a valid yyyymmddHHMMSS date-time (an AVL export's `20260912221503`)."""
    from trajlm.data.readers._times import DATE_TIME_DIGITS  # as ingest reads them

    text = s.drop_nulls().cast(pl.Int64, strict=False).cast(pl.Utf8)
    ok = (
        text.str.contains(DATE_TIME_DIGITS)
        & text.str.to_datetime("%Y%m%d%H%M%S", strict=False).is_not_null()
    )
    return len(text) > 0 and bool(ok.all())


def _day_first(sample: str) -> str:
    """A day-first strptime pattern shaped like ``sample`` ('02.12.2026 10:05:07' ->
    '%d.%m.%Y %H:%M:%S'), so the hint's example reads the user's own times whole."""
    sep = next((c for c in sample.strip()[:6] if c in "./-"), "/")
    year = "%Y" if re.match(r"\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", sample) else "%y"
    clock = {0: "", 1: " %H:%M", 2: " %H:%M:%S"}[min(sample.count(":"), 2)]
    clock += ".%f" if re.search(r":\d{2}\.\d", sample) else ""
    if _AM_PM.search(sample):  # a 12-hour clock (heldout27's buses: '7:05:10 AM')
        clock = clock.replace("%H", "%I") + " %p"
    return f"%d{sep}%m{sep}{year}{clock}"


_AM_PM = re.compile(r"\d\s*[AaPp]\.?[Mm]\.?\s*$")


def _month_first(sample: str) -> str:
    """The US month-first pattern beside the day-first one, for times on a 12-hour clock (chiefly
    US exports: '12/01/2026 7:05:10 AM'); '' otherwise."""
    if not _AM_PM.search(sample):
        return ""
    day = _day_first(sample)
    return f" (day first) or format='{day.replace('%d', '%D').replace('%m', '%d').replace('%D', '%m')}' (US)"


def _day_first_by_name(s: pl.Series, col: str, text: str, sample: str) -> pl.Series | None:
    """Unix seconds of `s` read day first where the time's column (or the date column joined to
    it, named in `text`) is a day-first word (`SI_DATE`: ICES tacsat; `Datum`, `Fecha`), as ingest
    reads such files (`_time_columns.day_first_by_language`; heldout31: the API refused a tacsat
    frame ingest read); None where no name says so or a value does not parse so."""
    import re
    import warnings

    from trajlm.data.column_names import normalised
    from trajlm.data.readers._time_columns import DAY_FIRST_WORDS

    names = [col, *re.findall(r"df\['([^']+)'\]", text)]
    word = next((n for n in names if normalised(n) in DAY_FIRST_WORDS), None)
    if word is None:
        return None
    read = s.str.strip_chars().str.to_datetime(_day_first(sample.strip()), strict=False)
    if read.null_count() != s.null_count():
        return None
    warnings.warn(f"dates such as {sample!r} read day first: {word!r} names a day-first "
                  "column (parse them first to read them another way)", stacklevel=4)  # fmt: skip
    return read.dt.replace_time_zone("UTC").dt.epoch("s")
