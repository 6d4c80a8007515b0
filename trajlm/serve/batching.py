"""Micro-batching: concurrent requests share one model pass.

Requests are put on a bounded asyncio queue. A single collector task takes the first waiting
request, gathers more for at most ``max_delay_ms`` (or until ``max_batch``), groups them by key
(requests can only share a pass when they ask for the same thing, e.g. the same number of
steps) and runs each group with ``run_batch`` on the one model thread. The model runs in that
thread only, so the event loop keeps accepting and refusing requests while it computes.

Backpressure instead of an unbounded queue: a full queue refuses at once and a request not
answered within ``timeout_s`` is abandoned; both raise ``Overloaded`` (the app answers 503
with Retry-After). An abandoned request is skipped if it is still queued.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from trajlm.serve.deadline import Overloaded, TooSlow, note_wait, out_of_time, seconds_left

__all__ = ["MicroBatcher", "ModelWorker", "Overloaded", "TooSlow"]

log = logging.getLogger("trajlm.serve")


@dataclass
class _Item:
    key: Hashable
    payload: Any
    future: asyncio.Future
    queued_at: float = field(default_factory=time.perf_counter)
    started: float | None = None  # when its pass began (the wait behind others ends)


class ModelWorker:
    """The one thread every model call runs on (torch's thread policy holds; calls never race),
    with a bound on the calls waiting for it."""

    def __init__(self, max_pending: int, timeout_s: float) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trajlm-model")
        self.max_pending, self.timeout_s = max_pending, timeout_s
        self.pending = 0

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(*args) on the model thread; Overloaded when too many wait or it is too slow."""
        if self.pending >= self.max_pending:
            raise Overloaded(f"{self.pending} model calls are waiting (the limit)")
        left = seconds_left(self.timeout_s)  # the request's budget, reading it included
        if left <= 0:
            raise out_of_time(self.timeout_s)
        self.pending += 1
        queued, started = time.perf_counter(), []

        def run() -> Any:
            started.append(time.perf_counter())
            return fn(*args)

        def waited() -> None:  # behind other requests' calls: not this request's own time
            note_wait((started[0] if started else time.perf_counter()) - queued)

        try:
            fut = asyncio.get_running_loop().run_in_executor(self.executor, run)
            out = await asyncio.wait_for(fut, left)
        except TimeoutError:
            waited()
            ran = time.perf_counter() - started[0] if started else None
            raise out_of_time(self.timeout_s, ran) from None
        finally:
            self.pending -= 1
        waited()
        return out

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class MicroBatcher:
    """Queue requests; run those with the same key together: ``run_batch(key, payloads)``
    returns one result per payload, in order. ``max_batch=1`` serves one request at a time."""

    def __init__(
        self,
        run_batch: Callable[[Hashable, list[Any]], list[Any]],
        worker: ModelWorker,
        max_batch: int = 64,
        max_delay_ms: float = 5.0,
        max_queue: int = 256,
        timeout_s: float = 10.0,
    ) -> None:
        if max_batch < 1 or max_queue < 1:
            raise ValueError("max_batch and max_queue must be >= 1")
        self.run_batch, self.worker = run_batch, worker
        self.max_batch, self.max_delay = max_batch, max_delay_ms / 1000
        self.max_queue, self.timeout_s = max_queue, timeout_s
        self.queue: asyncio.Queue[_Item] | None = None
        self.task: asyncio.Task | None = None
        self.batches = self.items = 0  # served so far (the /health counters)

    def start(self) -> None:
        """Create the queue and the collector on the running event loop."""
        self.queue = asyncio.Queue(self.max_queue)
        self.task = asyncio.get_running_loop().create_task(self._collect())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        self.task = None

    async def submit(self, key: Hashable, payload: Any) -> Any:
        """The result for `payload`, computed in a batch with others of the same key."""
        if self.queue is None:
            raise RuntimeError("MicroBatcher.start() was not called")
        left = seconds_left(self.timeout_s)  # the request's budget, reading it included
        if left <= 0:
            raise out_of_time(self.timeout_s)
        item = _Item(key, payload, asyncio.get_running_loop().create_future())
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            raise Overloaded(f"the request queue is full ({self.max_queue} waiting)") from None
        try:
            out = await asyncio.wait_for(asyncio.shield(item.future), left)
        except TimeoutError:
            item.future.cancel()  # skipped if still queued
            note_wait((item.started or time.perf_counter()) - item.queued_at)
            ran = None if item.started is None else time.perf_counter() - item.started
            raise out_of_time(self.timeout_s, ran) from None
        note_wait((item.started or time.perf_counter()) - item.queued_at)
        return out

    async def _collect(self) -> None:
        assert self.queue is not None
        while True:
            items = [await self.queue.get()]
            deadline = time.perf_counter() + self.max_delay
            while len(items) < self.max_batch:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                try:
                    items.append(await asyncio.wait_for(self.queue.get(), left))
                except TimeoutError:
                    break
            while len(items) < self.max_batch and not self.queue.empty():
                items.append(self.queue.get_nowait())
            await self._run([i for i in items if not i.future.done()])

    async def _run(self, items: list[_Item]) -> None:
        groups: dict[Hashable, list[_Item]] = {}
        for it in items:
            groups.setdefault(it.key, []).append(it)
        for key, group in groups.items():
            payloads = [it.payload for it in group]

            def fn(key: Hashable, payloads: list, group: list[_Item] = group) -> list:
                now = time.perf_counter()  # on the model thread: its wait behind others ends
                for it in group:
                    it.started = it.started or now
                return self.run_batch(key, payloads)

            try:
                fut = asyncio.get_running_loop().run_in_executor(
                    self.worker.executor, fn, key, payloads
                )
                results = await fut
                if len(results) != len(group):
                    raise RuntimeError(f"run_batch gave {len(results)} results for {len(group)}")
            except Exception as e:  # one pass failed: answer each request alone
                log.debug("batch of %d failed (%s); running them one by one", len(group), e)
                results = []
                for p in payloads:
                    try:
                        results.append((await asyncio.get_running_loop().run_in_executor(
                            self.worker.executor, fn, key, [p]))[0])  # fmt: skip
                    except Exception as one:
                        results.append(one)
            self.batches += 1
            self.items += len(group)
            for it, res in zip(group, results, strict=True):
                if it.future.done():
                    continue
                if isinstance(res, BaseException):
                    it.future.set_exception(res)
                else:
                    it.future.set_result(res)
