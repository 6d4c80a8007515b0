"""`make test`'s 2 xdist workers keep a module's tests together (tests/conftest.py `_GroupIds`):
with pytest >= 9.2 and xdist 3.8 every test had become a group of its own (pytest-xdist#1386),
so modules ran on both workers at once and built their module fixtures twice."""

import pytest


def _on_a_loadgroup_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput") and bool(config.getvalue("loadgroup"))


def test_a_test_carries_its_module_group_on_a_loadgroup_worker(request):
    if not _on_a_loadgroup_worker(request.config):
        pytest.skip("runs on an xdist worker under --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("@tests/test_xdist_groups.py"), request.node.nodeid


@pytest.mark.xdist_group("xdist-groups-check")
def test_a_named_group_replaces_the_module_group(request):
    if not _on_a_loadgroup_worker(request.config):
        pytest.skip("runs on an xdist worker under --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("::test_a_named_group_replaces_the_module_group"
                                        "@xdist-groups-check"), request.node.nodeid  # fmt: skip
