"""GLM / UVTM-style infilling, one import for its four parts (docs/multitask.md has the format):

    sequence.py  loader batch + DomainMask -> InfillBatch: corrupted part ([m] per run of fully
                 hidden points, other hidden domains in place), spans after [s], targets,
                 attention mask (corrupted part bidirectional, each span causal over itself)
    anchors.py   anchor geometry: linear-in-time anchors of hidden points, the bridge step of a
                 span point towards its run's visible end, anchor inputs
    loss.py      one backbone pass, three heads (step, own-point, end-of-span) and the loss
    decode.py    fill_in_place (one bidirectional pass), generate_spans (all spans in parallel)

Nothing hidden leaks into the corrupted part (tests/test_infill.py perturbs hidden values and
run lengths and checks the corrupted part's outputs are unchanged).
"""

from trajlm.objectives.anchors import anchor_features, anchor_inputs_of, span_bridge
from trajlm.objectives.decode import fill_in_place, generate_spans
from trajlm.objectives.loss import (
    END_LOSS_WEIGHT,
    InfillOutput,
    infill_forward,
    infill_loss,
    span_step,
    use_anchor,
)
from trajlm.objectives.sequence import SEG_CORRUPT, SEG_PAD, InfillBatch, build_infill

__all__ = [
    "END_LOSS_WEIGHT",
    "SEG_CORRUPT",
    "SEG_PAD",
    "InfillBatch",
    "InfillOutput",
    "anchor_features",
    "anchor_inputs_of",
    "build_infill",
    "fill_in_place",
    "generate_spans",
    "infill_forward",
    "infill_loss",
    "span_bridge",
    "span_step",
    "use_anchor",
]
