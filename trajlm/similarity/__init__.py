"""Trajectory similarity: distance kernels (DTW, discrete Fréchet, Hausdorff), embedding search
and the self-similarity task. Below the model layer: nothing here imports a model."""

from trajlm.similarity.distances import (
    BLOCK_CELLS,
    discrete_frechet_matrix,
    dtw_distance_matrix,
    hausdorff_matrix,
    reference_distance,
)
from trajlm.similarity.search import (
    EmbeddingModel,
    EmbeddingSearch,
    ResampledShape,
    ranking_metrics,
    resample_by_arc_length,
)
from trajlm.similarity.task import (
    SimilarityTask,
    make_hard_similarity_task,
    make_similarity_task,
    perturb_trips,
    to_padded,
)

__all__ = [
    "BLOCK_CELLS",
    "EmbeddingModel",
    "EmbeddingSearch",
    "ResampledShape",
    "SimilarityTask",
    "discrete_frechet_matrix",
    "dtw_distance_matrix",
    "hausdorff_matrix",
    "make_hard_similarity_task",
    "make_similarity_task",
    "perturb_trips",
    "ranking_metrics",
    "reference_distance",
    "resample_by_arc_length",
    "to_padded",
]
