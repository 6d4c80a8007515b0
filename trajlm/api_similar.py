"""`TrajLM.similar`: the most similar trajectories from a notebook (session 31, newuser31).

`trajlm similar` (CLI) and HTTP `/similar` searched embeddings; from Python there was only
`trajlm.tasks.embed.similar` on canonical Polars tables (a pandas frame was an
`AttributeError`), so a transit analyst's "which journeys ran like this one" had no call. This
one embeds through `TrajLM.embed` (the caller's frames, column keywords and kind) and searches
exactly, in float64, as the CLI's search does (nearest first, ties in database order)."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np

from trajlm.data.schema import TrajlmInputError

# the keywords that read a file given by its path (ingest's options): not a store's (known by
# its manifest) nor a frame's (read already)
FILE_KEYWORDS = ("format", "time_origin", "time_format", "on_error")


def _reads_a_file(obj: Any) -> bool:
    """Whether ``obj`` is a path to a file or folder of fixes (not a trajlm store)."""
    from trajlm.data.coerce_path import is_path, is_store_path

    return is_path(obj) and not is_store_path(obj)


def side_columns(obj: Any, other: Any, columns: dict[str, Any]) -> dict[str, Any]:
    """The keywords one side of a search (``obj``; ``other``: the other side) is read with.
    Column names apply to both; ``format=`` / ``time_origin=`` / ``time_format=`` /
    ``on_error=`` to each side given as a file's path, never to a store or a frame (badin36:
    ``similar("q.txt", STORE, format="csv")`` was refused for the store, so a query file could
    not be given its format). Where neither side is a file, ``obj`` keeps them: its read
    refuses them in one line."""
    if _reads_a_file(obj) or not (other is not None and _reads_a_file(other)):
        return columns
    return {k: v for k, v in columns.items() if k not in FILE_KEYWORDS}


def _split(emb: Any) -> tuple[Any, list[str], np.ndarray]:
    """(the id columns of an embed answer as a frame of its kind, their names, the vectors)."""
    cols = [str(c) for c in emb.columns]
    vec = [c for c in cols if c.startswith("emb_")]
    keys = [c for c in cols if c not in vec]
    return emb[keys], keys, emb[vec].to_numpy().astype(np.float64)


class SimilarSearch:
    """Mixin of `TrajLM`: `similar` over `embed`."""

    def similar(
        self,
        data: Any,
        database: Any = None,
        *,
        k: int = 5,
        n_points: int | None = None,
        **columns: Any,
    ) -> Any:
        """The ``k`` trajectories of ``database`` nearest to each trajectory of ``data`` (L2
        between ``embed`` vectors, exact, nearest first): one row per (query, rank) with the
        query's id column(s), ``rank`` (1..k), ``match`` (the database trajectory's id;
        ``match_piece`` too where pieces were cut) and ``distance``, in ``data``'s kind.
        ``database=None`` searches ``data`` itself and skips each query's own row, as
        `trajlm similar --exclude-self` does. Column keywords apply to both; ``format=``,
        ``time_origin=``, ``time_format=`` and ``on_error=`` to each side given as a file's
        path (a store is known by its manifest, a frame is read already)."""
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
            raise TrajlmInputError(f"k must be an integer >= 1, got {k!r}", field="k")
        embed = self.embed  # type: ignore[attr-defined]
        query = embed(data, n_points=n_points, **side_columns(data, database, columns))
        same = database is None
        base = query if same else embed(database, n_points=n_points,
                                        **side_columns(database, data, columns))  # fmt: skip
        if not same:  # each read as given (its own refusals first), then on one plane (badin37)
            from trajlm.data.local_plane import is_local_input, refuse_mixed_planes

            crs = columns.get("crs")
            refuse_mixed_planes(is_local_input(data, crs), is_local_input(database, crs),
                                "data", "database")  # fmt: skip
        q_ids, keys, q = _split(query)
        d_ids, d_keys, d = _split(base)
        answer = {"rank", "match", "distance", *(f"match_{k}" for k in d_keys[1:])}
        if clash := sorted(answer & set(keys)):  # badin32: the query's ids were overwritten
            raise TrajlmInputError(
                f"the id column {clash[0]!r} has the name of a column of the answer (rank, match, "
                "distance): rename it before the call",
                field=clash[0],
            )
        n_db = len(d) - (1 if same else 0)
        if k > n_db:
            raise TrajlmInputError(
                f"k={k} is more than the {n_db} trajectories to search"
                + (" (the frame itself, each query's own row left out)" if same else ""),
                field="k",
            )
        dist = np.sqrt(((q[:, None, :] - d[None, :, :]) ** 2).sum(-1))
        if same:
            np.fill_diagonal(dist, np.inf)
        order = np.argsort(dist, axis=1, kind="stable")[:, :k]
        rows_q = np.repeat(np.arange(len(q)), k)
        rows_d = order.reshape(-1)
        out = q_ids.iloc[rows_q].reset_index(drop=True) if hasattr(q_ids, "iloc") else q_ids[rows_q]
        extra = {"rank": np.tile(np.arange(1, k + 1), len(q))}
        matched = d_ids.iloc[rows_d] if hasattr(d_ids, "iloc") else d_ids[rows_d]
        extra["match"] = np.asarray(matched[d_keys[0]])
        for key in d_keys[1:]:
            extra[f"match_{key}"] = np.asarray(matched[key])
        extra["distance"] = dist[rows_q, rows_d]
        if hasattr(out, "assign"):  # pandas
            return out.assign(**extra)
        import polars as pl

        return out.with_columns(pl.Series(name, v) for name, v in extra.items())
