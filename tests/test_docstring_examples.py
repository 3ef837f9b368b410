"""The examples in the transforms' docstrings (and the flows' batching) are run: an example
that no longer holds fails."""

import doctest
import importlib
import pkgutil

import pytest

import transforms

MODULES = [
    *sorted(
        module.name
        for module in pkgutil.walk_packages(transforms.__path__, prefix="transforms.")
        if not module.name.endswith("__main__")
    ),
    "flows.limits",
    "flows.normalize.flow",
    "flows.storage",
    "flows.run_figures",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
