"""Regression heads for the next point's normalized (dx, dy, dt) and their losses."""

from __future__ import annotations

import torch
import torch.nn as nn

N_TARGETS = 3  # (dx, dy, dt), normalized like features 2-4
LOG_VAR_BOUND = 10.0  # log-variance kept in (-10, 10): std in (0.0067, 148) normalized units


class RegressionHead(nn.Module):
    """hidden (B, T, C) -> mean (B, T, 3) [, log_var (B, T, 3) for the Gaussian head]."""

    def __init__(self, d_model: int, gaussian: bool, bias: bool):
        super().__init__()
        self.mean = nn.Linear(d_model, N_TARGETS, bias=bias)
        self.log_var = nn.Linear(d_model, N_TARGETS, bias=bias) if gaussian else None

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        mean = self.mean(h)
        if self.log_var is None:
            return mean, None
        # Smooth bound instead of a hard clamp: identity near 0, gradient never exactly 0, and
        # exp(-log_var) cannot overflow or make a point's weight explode.
        raw = self.log_var(h)
        return mean, LOG_VAR_BOUND * torch.tanh(raw / LOG_VAR_BOUND)


def gaussian_nll(
    mean: torch.Tensor, log_var: torch.Tensor, y: torch.Tensor, valid: torch.Tensor
) -> torch.Tensor:
    """Mean Gaussian negative log-likelihood over valid positions and the 3 targets.

    Per element 0.5 * (log_var + (y - mean)^2 / exp(log_var)); the constant 0.5 * log(2 pi)
    is dropped, so the loss can be negative once the model is confident and right.
    """
    nll = 0.5 * (log_var + (y - mean).square() * torch.exp(-log_var))  # (B, T, 3)
    return _masked_mean(nll, valid)


def laplace_nll(
    mean: torch.Tensor, log_var: torch.Tensor, y: torch.Tensor, valid: torch.Tensor
) -> torch.Tensor:
    """Mean Laplace negative log-likelihood over valid positions and the 3 targets, with the
    head's log_var read as 2 log b (b the Laplace scale, so exp(0.5 log_var) is b as it is the
    std for the Gaussian): per element 0.5 * log_var + |y - mean| / b, constant log 2 dropped.
    Its mean is the conditional median: a few GPS jumps do not pull it (ModelConfig.step_loss).
    """
    nll = 0.5 * log_var + (y - mean).abs() * torch.exp(-0.5 * log_var)  # (B, T, 3)
    return _masked_mean(nll, valid)


def step_nll(
    kind: str, mean: torch.Tensor, log_var: torch.Tensor, y: torch.Tensor, valid: torch.Tensor
) -> torch.Tensor:
    """The step loss named by ModelConfig.step_loss ("gaussian" | "laplace")."""
    return (
        laplace_nll(mean, log_var, y, valid)
        if kind == "laplace"
        else gaussian_nll(mean, log_var, y, valid)
    )


def masked_mse(mean: torch.Tensor, y: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Mean squared error over valid positions and the 3 targets."""
    return _masked_mean((y - mean).square(), valid)


def _masked_mean(x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    # No .item()/host sync: an empty selection gives 0 rather than NaN.
    total = torch.where(valid[..., None], x, 0.0).sum()  # where, not *: padding may hold inf
    return total / (valid.sum() * x.shape[-1]).clamp_min(1)


class TimeQuery(nn.Module):
    """[hidden (..., C), asked normalized dt (...)] -> an update (..., C) to the hidden state.

    The step head reads h + TimeQuery(h, dt) for (dx, dy): the position at a given time step
    instead of at the model's own next time (issue 15). A 2-layer MLP, not an additive
    embedding of dt, so the answer can depend on the motion state (speed, stop) nonlinearly.
    The output layer starts small (the residual-projection init of transformer.py, std
    0.02/sqrt(2 L)), not zero: an untrained query nudges h slightly. Zeroing it would change
    every seeded time_query model, so the published runs keep this init.
    """

    def __init__(self, d_model: int, bias: bool):
        super().__init__()
        self.fc_in = nn.Linear(d_model + 1, 2 * d_model, bias=True)
        self.fc_out = nn.Linear(2 * d_model, d_model, bias=bias)

    def forward(self, h: torch.Tensor, dt: torch.Tensor) -> torch.Tensor:
        x = torch.cat([h, dt[..., None].to(h.dtype)], dim=-1)  # (..., C + 1)
        return self.fc_out(torch.nn.functional.gelu(self.fc_in(x)))
