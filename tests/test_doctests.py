"""The Examples sections of the docstrings run and give what they show."""

import doctest
import importlib
import pkgutil

import pytest

import crescape

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(crescape.__path__, prefix="crescape.")
    if not m.name.rsplit(".", 1)[-1].startswith("__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
