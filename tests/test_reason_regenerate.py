"""Generation with rejection (trajlm/reason/regenerate.py): the checker on hand-made
continuations, termination after max_tries (all-invalid case), only invalid rows resampled."""

import numpy as np
import torch
from test_generate import make_batch, tiny

from trajlm.data.features import LocalProjection
from trajlm.reason.regenerate import ContinuationChecker, sample_valid
from trajlm.reason.validity import SPEED, TELEPORT


def test_checker_judges_only_the_new_points():
    chk = ContinuationChecker(LocalProjection(45.0, 7.0))
    batch = {"pos": torch.tensor([[[0.0, 0], [10, 0], [20, 0]]] * 2),
             "t": torch.tensor([[0.0, 10, 20]] * 2), "t0": torch.tensor([0, 0]),
             "mask": torch.ones(2, 3, dtype=torch.bool)}  # fmt: skip
    pos = torch.tensor([[[30.0, 0], [40, 0]], [[30.0, 0], [3000, 0]]])  # row 1 jumps 3 km
    t = torch.tensor([[30.0, 40], [30.0, 40]])
    codes = chk(batch, pos, t, ["walk", "walk"])
    assert codes.shape == (2, 2)
    assert (codes[0] == 0).all() and codes[1, 0] == 0 and codes[1, 1] == TELEPORT
    one = {k: v[:1] for k, v in batch.items()}
    slow = chk(one, torch.tensor([[[30.0, 0], [100, 0]]]), t[:1], "walk")  # 7 m/s
    assert slow[0, 1] == SPEED and chk(one, torch.tensor([[[30.0, 0], [100, 0]]]), t[:1],
                                       "bike")[0, 1] == 0  # fmt: skip


class Always:
    """A checker that marks every row valid (or invalid), counting the rows it saw."""

    def __init__(self, ok: bool) -> None:
        self.ok, self.seen = ok, []

    def __call__(self, batch, pos, t, modes):
        self.seen.append(pos.shape[0])
        return np.zeros(pos.shape[:2], np.int8) if self.ok else np.full(pos.shape[:2], SPEED)


def test_rejection_loop_stops_after_max_tries_when_all_invalid():
    model, b = tiny(), make_batch()
    chk = Always(False)
    r = sample_valid(
        model, b, 3, "car", chk, max_tries=4, generator=torch.Generator().manual_seed(0)
    )
    assert chk.seen == [4, 4, 4, 4]  # 4 draws, then it stops
    assert (r.tries == 4).all() and not r.valid.any() and r.cost == 4.0
    assert r.pos.shape == (4, 3, 2) and torch.isfinite(r.pos).all()
    mean = sample_valid(model, b, 3, "car", Always(False), max_tries=2, fallback="mean")
    torch.testing.assert_close(mean.pos, model.generate(b, 3)["pos"])
    assert not mean.valid.any()  # the fallback is marked, not passed off as valid


def test_only_invalid_rows_are_resampled():
    model, b = tiny(), make_batch()
    calls = []

    def first_two_rows_fail_once(batch, pos, t, modes):
        calls.append(pos.shape[0])
        c = np.zeros(pos.shape[:2], np.int8)
        if len(calls) == 1:
            c[:2, 0] = SPEED
        return c

    g = torch.Generator().manual_seed(0)
    r = sample_valid(model, b, 3, "car", first_two_rows_fail_once, max_tries=5, generator=g)
    assert calls == [4, 2]
    assert r.tries.tolist() == [2, 2, 1, 1] and r.valid.all() and r.cost == 1.5
    assert r.first_valid.tolist() == [False, False, True, True]
    ok = sample_valid(model, b, 3, "car", Always(True), max_tries=5)
    assert ok.tries.tolist() == [1, 1, 1, 1]


def test_retry_draws_batch_the_retries_and_count_every_draw():
    model, b = tiny(), make_batch()
    chk = Always(False)
    r = sample_valid(model, b, 3, "car", chk, max_tries=8, retry_draws=4)
    assert chk.seen == [4, 16, 12]  # 1 + 4 + 3 draws per row = 8, in three calls
    assert (r.tries == 8).all() and r.cost == 8.0 and not r.valid.any()
    calls = []

    def second_draw_ok(batch, pos, t, modes):
        calls.append(pos.shape[0])
        c = np.full(pos.shape[:2], SPEED, np.int8)
        if len(calls) > 1:
            c[1::4] = 0  # the second of every row's 4 retry draws passes
        return c

    r = sample_valid(model, b, 3, "car", second_draw_ok, max_tries=8, retry_draws=4)
    assert calls == [4, 16] and r.valid.all() and (r.tries == 5).all()
