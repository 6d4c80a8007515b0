"""Session 25 (irreg25): `trajlm ask` boxes across the antimeridian (``lon_min > lon_max``).

"lon 179 to -179" was read as min..max, -179..179: the whole globe but the 2 deg the asker
meant; the plan refused a box whose lon_min > lon_max, and ``llm.image.render`` drew a voyage
across the line as a 360-deg picture. A dateline fleet answers as the same fleet shifted by 180
deg (crossing nothing) with its boxes shifted too."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.longitude import wrap_lon

T0 = 1_772_400_000


def fleet(shift: float = 0.0) -> pl.DataFrame:
    """Four ships crossing the line (165 E to 165 W, two each way) and two that stay at
    140-150 E (shift 0); shift 180: the same about Greenwich (15 W to 15 E; 40-30 W)."""
    rows = []
    for i in range(6):
        n = 300
        west, east = (165.0, 195.0) if i < 4 else (140.0, 150.0)
        lon = wrap_lon(np.linspace(west, east, n) + shift)
        lon = lon if i % 2 else lon[::-1]  # eastbound and westbound
        lat = 32.0 + i * 2.0 + 0.5 * np.sin(np.arange(n) / 50)
        rows.append(pl.DataFrame({"traj_id": [f"ship{i}"] * n, "t": T0 + 86_400 * i + 600 *
                                  np.arange(n), "lat": lat, "lon": lon}))  # fmt: skip
    return pl.concat(rows)


def _lon(x: float, shift: float) -> str:
    return f"{float(wrap_lon(x + shift)):g}"


@pytest.mark.parametrize("shift", [0.0, 180.0])
def test_boxes_across_the_line_count_as_the_shifted_fleet(shift):
    from trajlm.questions import Asker

    ask = Asker(fleet(shift))
    w, e = _lon(179, shift), _lon(-179, shift)
    ans = ask(f"how many trips passed through the box lat 30-50, lon {w} to {e}?")
    assert ans.value == 4  # the four crossing ships (was 6: -179..179 held every ship)
    if shift == 0:
        assert ans.plan.bbox[1] == 179 and ans.plan.bbox[3] == -179
    w, e = _lon(160, shift), _lon(-160, shift)
    ans = ask(f"how many trips started in the box lat 30-50, lon {w} to {e}?")
    assert ans.value == 4  # every crossing ship starts at 165 E or 165 W (was 0)
    ans = ask(f"how many trips started in the box lat 30-50, lon {e} to {w}?")  # either order
    assert ans.value == 4
    w, e = _lon(135, shift), _lon(155, shift)  # a plain box: as before
    assert ask(f"how many trips passed through the box lat 30-50, lon {w} to {e}?").value == 2


def test_a_plan_box_across_the_line_is_valid_and_a_swapped_one_is_not():
    from trajlm.llm.boxes import box_from
    from trajlm.llm.plan import QueryPlan
    from trajlm.llm.plan_describe import describe_boxes

    plan = QueryPlan(action="count", bbox=(30, 175, 40, -175), start_box=(30, 170, 50, -170))
    assert plan.bbox[1] > plan.bbox[3]
    assert "across the antimeridian" in describe_boxes(plan)[0]
    with pytest.raises(ValueError, match="min < max"):  # 359.97 deg: two values swapped
        QueryPlan(action="count", bbox=(45.04, 7.69, 45.07, 7.66))
    assert box_from(45.07, 45.04, 7.69, 7.66) == [45.04, 7.66, 45.07, 7.69]  # plain, any order
    assert box_from(30, 40, -175, 175) == [30, 175, 40, -175]  # the 10 deg, not 350


def test_a_voyage_across_the_line_renders_as_the_shifted_voyage():
    from trajlm.llm.image import render

    a, b = (
        fleet(0.0).filter(pl.col("traj_id") == "ship0"),
        fleet(180.0).filter(pl.col("traj_id") == "ship0"),
    )
    ia, ib = render(a, 32), render(b, 32)
    assert np.allclose(ia, ib, atol=1e-5)
    assert (ia[0, 0] > 0).sum() >= 30  # a line across the picture, not two dots at its edges
    box_a, box_b = (30, 160, 40, -160), (30, -20, 40, 20)
    assert np.allclose(render(a, 32, bbox=box_a), render(b, 32, bbox=box_b), atol=1e-5)
