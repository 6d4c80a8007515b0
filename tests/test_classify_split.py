"""trajlm.tasks.classify split in three (session 8): the network (classify_head), the data
preparation (classify_windows) and ModelClassifier; every old name still imports from classify."""

from __future__ import annotations

import trajlm.tasks.classify as classify
import trajlm.tasks.classify_head as head
import trajlm.tasks.classify_windows as windows


def test_moved_names_are_re_exported_as_the_same_objects():
    for mod, names in (
        (head, ["FeatureHead", "TrajectoryClassifier"]),
        (windows, ["RecutClassification", "WindowPrep", "window_dataset"]),
    ):
        for name in names:
            assert getattr(classify, name) is getattr(mod, name), name
            assert name in classify.__all__
    # the data-preparation methods tests and scripts call stay on ModelClassifier
    for method in ("_windows", "_segment_features", "_backbone", "_refit_backbone"):
        assert getattr(classify.ModelClassifier, method) is getattr(windows.WindowPrep, method)
