"""Question -> ``QueryPlan`` with SmolLM2-135M-Instruct (few-shot prompt + constrained decoding +
validate-and-retry), and the choice between it and the rule-based planner.

With ``constrained=True`` (the default):
  1. the assistant turn is started with ``{"`` and every later token is restricted (a
     ``LogitsProcessor``) to the characters a plan can contain; inside a key only the plan's
     field names can be spelled, inside the value of an enumerated field (action, metric,
     mode, weekdays, place) only its allowed values; decoding stops as soon as the braces
     balance, so the output is one JSON object with known keys;
  2. the object is validated against ``QueryPlan`` (pydantic); on an error the error is shown
     to the model and it tries again (``retries`` times) before the question is refused.
With ``constrained=False`` the model writes freely and the first ``{...}`` of its answer is
validated once (what the evaluation compares against).

The model's output is only ever parsed as JSON into the typed plan: nothing it writes is run.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from trajlm.errors import TrajlmInputError
from trajlm.llm.plan import PLACES, WEEKDAYS, Action, CannotAnswer, Metric, QueryPlan, validate_plan
from trajlm.llm.rules import RulePlanner, guard

SYSTEM = (
    "You turn questions about GPS trips into a JSON query plan. Reply with one JSON object only.\n"
    'Keys: "action" (count|list|mean|median|sum|top|predict|describe), "metric" '
    '(duration_s|length_m|speed_kmh|stop_s|n_points; for mean, median, sum and top), "k" (top-k), "ascending" (true for '
    'smallest first), "minutes" (predict horizon), "trip" (trip id), "vehicle", "mode" '
    '(walk|bike|bus|car|train|subway), "weekdays" (list of mon..sun), "hour_from", "hour_to" '
    '(start hour range, UTC), "date_from", "date_to" (YYYY-MM-DD), "place" (one of: '
    + ", ".join(sorted(PLACES))
    + '), "lat", "lon", "radius_m", "bbox" ([lat_min, lon_min, lat_max, lon_max]), '
    '"min_speed_kmh", "max_speed_kmh", "min_duration_s", "max_duration_s", "min_length_m", '
    '"max_length_m", "min_stop_s", "unit" (answer unit for mean, median and sum: s|min|h, '
    "m|km|mi, km/h|mph|m/s). Leave out keys that are not asked. Morning is hours 6-12, "
    "afternoon 12-18, evening 18-22, night 22-6. If the question is not about the trips, "
    'reply {"refuse": "<why>"}.'
)
EXAMPLES: list[tuple[str, dict]] = [
    ("How many trips started on Tuesday afternoons?",
     {"action": "count", "weekdays": ["tue"], "hour_from": 12, "hour_to": 18}),
    ("What is the mean speed of bus trips?", {"action": "mean", "metric": "speed_kmh", "mode": "bus"}),
    ("List trips that stopped longer than 3 minutes near sao bento station",
     {"action": "list", "min_stop_s": 180, "place": "sao bento station"}),
    ("Top 2 longest trips on 2024-05-01",
     {"action": "top", "metric": "length_m", "k": 2, "date_from": "2024-05-01", "date_to": "2024-05-01"}),
    ("Which trip was the fastest?", {"action": "top", "metric": "speed_kmh", "k": 1}),
    ("How many trips were slower than 12 km/h and lasted more than 1 hour?",
     {"action": "count", "max_speed_kmh": 12, "min_duration_s": 3600}),
    ("Count trips within 2 km of 41.15,-8.61",
     {"action": "count", "lat": 41.15, "lon": -8.61, "radius_m": 2000}),
    ("Show the trips of vehicle 20000589 on weekends",
     {"action": "list", "vehicle": "20000589", "weekdays": ["sat", "sun"]}),
    ("Predict the next 4 minutes of trip T-17", {"action": "predict", "trip": "T-17", "minutes": 4}),
    ("Describe trip abc-9", {"action": "describe", "trip": "abc-9"}),
    ("Who won the football match?", {"refuse": "not a question about the trips"}),
]  # fmt: skip
ALLOWED_CHARS = set('{}[]":,.-_ 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ<>')
OPEN = '{"'  # every plan (and a refusal) starts so; one token in the examples
KEYS = [*QueryPlan.model_fields, "refuse"]
ENUMS = {
    "action": list(Action.__args__),
    "metric": list(Metric.__args__),
    "weekdays": list(WEEKDAYS),
    "place": list(PLACES),
    "call_type": ["A", "B", "C"],
    "mode": ["walk", "bike", "bus", "car", "taxi", "train", "subway", "airplane", "boat"],
}


class SmolPlanner:
    """SmolLM2-135M-Instruct as a planner. Loading takes ~25-45 s on 2 cores (once)."""

    name = "smollm2"

    def __init__(self, constrained: bool = True, retries: int = 2, max_new_tokens: int = 96):
        import torch

        from trajlm.llm import weights

        t0 = time.perf_counter()
        self.torch = torch
        self.tok = weights.smollm2_tokenizer()
        self.model = weights.load_smollm2()
        self.constrained, self.retries, self.max_new_tokens = constrained, retries, max_new_tokens
        self.load_s = time.perf_counter() - t0
        vocab = self.tok.convert_ids_to_tokens(list(range(len(self.tok))))
        text = [self.tok.convert_tokens_to_string([v]) for v in vocab]
        ok = [bool(s) and set(s) <= ALLOWED_CHARS for s in text]
        self.token_text = text
        self.allowed = torch.tensor(ok)
        self.allowed[self.tok.eos_token_id] = True

    def _messages(self, question: str, feedback: list[tuple[str, str]]) -> list[dict]:
        msgs = [{"role": "system", "content": SYSTEM}]
        for q, plan in EXAMPLES:
            msgs += [{"role": "user", "content": q},
                     {"role": "assistant", "content": json.dumps(plan)}]  # fmt: skip
        msgs.append({"role": "user", "content": question})
        for bad, error in feedback:
            msgs += [{"role": "assistant", "content": bad},
                     {"role": "user", "content": f"Invalid: {error}. Answer again with valid JSON."}]  # fmt: skip
        return msgs

    def _generate(self, msgs: list[dict]) -> str:
        torch = self.torch
        prompt = self.tok.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False)
        if self.constrained:
            prompt += OPEN
        ids = self.tok(prompt, return_tensors="pt", add_special_tokens=False)["input_ids"]
        kwargs: dict[str, Any] = {}
        if self.constrained:
            from transformers import LogitsProcessorList, StoppingCriteriaList

            mask = _Grammar(self.allowed, self.token_text, self.tok, ids.shape[1])
            kwargs["logits_processor"] = LogitsProcessorList([mask])
            kwargs["stopping_criteria"] = StoppingCriteriaList([_Balanced(self.tok, ids.shape[1])])
        with torch.inference_mode():
            out = self.model.generate(ids, max_new_tokens=self.max_new_tokens, do_sample=False,
                                      pad_token_id=self.tok.eos_token_id, **kwargs)  # fmt: skip
        text = self.tok.decode(out[0, ids.shape[1] :], skip_special_tokens=True)
        return (OPEN + text) if self.constrained else text

    def plan(self, question: str) -> QueryPlan:
        guard(question)
        feedback: list[tuple[str, str]] = []
        for _ in range(1 + (self.retries if self.constrained else 0)):
            raw = self._generate(self._messages(question, feedback))
            try:
                data = _first_object(raw)
                if "refuse" in data:
                    raise CannotAnswer(str(data["refuse"])[:200] or "not about the trips")
                return grounded(validate_plan(data), question)
            except CannotAnswer as e:
                if "invalid plan" not in e.reason and "did not parse" not in e.reason:
                    raise  # a refusal, or an Ungrounded plan: retrying fixed none (grounded)
                feedback.append((raw.strip()[:300], e.reason))
        raise CannotAnswer(f"the language model gave no valid plan ({feedback[-1][1]})")


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


class Ungrounded(CannotAnswer):
    """A plan with an id or coordinates the question never gave, or a number its action does
    not use: refused with that reason."""


USED_BY = {"minutes": ("predict",), "k": ("top", "list")}  # a number only these actions read


def grounded(plan: QueryPlan, question: str) -> QueryPlan:
    """``plan`` when every trip / vehicle id (a whole word) and coordinate in it is in the
    question, else ``Ungrounded``. The 135 M model copies its few-shot examples' ids ('T-17',
    'abc-9', 'Bike-1') or makes ids of the question's words into unrelated plans (newuser5
    item 6). Measured (docs/llm.md, Session 12): dropping the id turned refusals into wrong
    answers (the plan without it was a bare count of every trip, the question's filters never
    written), and retrying with the reason shown fixed none in 20 questions but doubled the
    time; so the question is refused at once, for the right reason."""
    q = question.lower()

    def said(value: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(value.lower())}(?![\w-])", q) is not None

    for f in ("trip", "vehicle"):
        if (v := getattr(plan, f)) is not None and not said(v):
            raise Ungrounded(f"the language model's plan names {f} {v!r}, which the question "
                             "does not contain")  # fmt: skip
    for f, actions in USED_BY.items():  # "trips that took less than 5 minutes" -> count,
        if (v := getattr(plan, f)) is not None and plan.action not in actions:  # minutes 5
            raise Ungrounded(f"the language model's plan gives {f} {v:g}, which a "
                             f"{plan.action} does not use (the question was misread)")  # fmt: skip
    if plan.lat is not None:
        numbers = {float(x) for x in _NUMBER.findall(q)}
        if plan.lat not in numbers or plan.lon not in numbers:
            raise Ungrounded(f"the language model's plan has coordinates {plan.lat},{plan.lon}, "
                             "which the question does not contain")  # fmt: skip
    return plan


def _first_object(text: str) -> dict:
    start = text.find("{")
    depth = 0
    for i in range(max(start, 0), len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if start >= 0 and depth == 0:
            try:
                obj = json.loads(text[start : i + 1])
            except json.JSONDecodeError as e:
                raise CannotAnswer(f"did not parse: {e.msg}") from None
            if not isinstance(obj, dict):
                break
            return obj
    raise CannotAnswer("did not parse: no JSON object in the answer")


def _state(text: str) -> tuple[str | None, str]:
    """Where a partial JSON answer is: ("key", partial) inside a key, ("value:KEY", partial)
    inside a string value of KEY, or (None, "") elsewhere."""
    stack: list[str] = []
    expect_key, in_str, is_key, buf, key = False, False, False, "", ""
    for ch in text:
        if in_str:
            if ch == '"':
                in_str = False
                if is_key:
                    key = buf
            else:
                buf += ch
        elif ch == '"':
            in_str, is_key, buf = True, bool(stack) and stack[-1] == "{" and expect_key, ""
        elif ch in "{[":
            stack.append(ch)
            expect_key = ch == "{"
        elif ch in "}]":
            stack = stack[:-1]
        elif ch == ",":
            expect_key = bool(stack) and stack[-1] == "{"
        elif ch == ":":
            expect_key = False
    if not in_str:
        return None, ""
    return ("key", buf) if is_key else (f"value:{key}", buf)


class _Grammar:
    """LogitsProcessor: plan characters only; inside a key only field names, inside an
    enumerated value only its allowed values (checked on the token's text, per step)."""

    def __init__(self, allowed, token_text: list[str], tok, prompt_len: int):
        self.allowed, self.text, self.tok, self.prompt_len = allowed, token_text, tok, prompt_len

    def _fits(self, partial: str, words: list[str], closer: str) -> list[int]:
        targets = [w + closer for w in words if w.startswith(partial)]
        out = []
        for i, s in enumerate(self.text):
            if not s or not self.allowed[i]:
                continue
            cand = partial + s
            for t in targets:
                if t.startswith(cand) or (cand.startswith(t) and len(cand) - len(t) <= 3):
                    out.append(i)
                    break
        return out

    def __call__(self, input_ids, scores):
        mask = ~self.allowed[: scores.shape[-1]]
        text = OPEN + self.tok.decode(input_ids[0, self.prompt_len :])
        where, partial = _state(text)
        words = KEYS if where == "key" else ENUMS.get((where or "")[6:])
        if where is not None and words:
            ok = self._fits(partial, words, '":' if where == "key" else '"')
            if ok:
                mask = mask.clone()
                mask[:] = True
                mask[ok] = False
        return scores.masked_fill(mask, float("-inf"))


class _Balanced:
    """StoppingCriteria: stop once the braces of the answer (opened by the prompt) balance."""

    def __init__(self, tok, prompt_len: int):
        self.tok, self.prompt_len = tok, prompt_len

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        text = OPEN + self.tok.decode(input_ids[0, self.prompt_len :])
        done = text.count("{") <= text.count("}")
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool)


def make_planner(
    kind: str = "auto",
    area: tuple[float, float] | None = None,
    years: list[int] | None = None,
    words: Any = None,
    **kwargs,
):
    """``rules``, ``smollm2`` (constrained; ``smollm2-free`` without constraints) or ``auto``
    (see docs/llm.md for which one ``auto`` picks and why)."""
    from trajlm.llm import weights

    if kind in ("auto", "rules"):  # auto: the rules measured better (docs/llm.md)
        return RulePlanner(area, years, words)  # words: the data's labels and ids
    if kind in ("smollm2", "smollm2-free"):
        if not weights.has_smollm2():
            raise CannotAnswer(f"the smollm2 planner needs: {weights.INSTALL_HINT['smollm2']}")
        return SmolPlanner(constrained=kind == "smollm2", **kwargs)
    raise TrajlmInputError(f"planner must be auto, rules, smollm2 or smollm2-free, got {kind!r}")


def plan_question(question: str, planner: Any = None) -> QueryPlan:
    return (planner or RulePlanner()).plan(question)
