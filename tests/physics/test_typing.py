"""Every public function of the physics layer carries type hints (the package ships ``py.typed``)."""

import importlib
import inspect
import pkgutil

import pytest

import crescape.physics as physics


def _public_functions():
    for info in pkgutil.iter_modules(physics.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"crescape.physics.{info.name}")
        for name, obj in vars(mod).items():
            if (
                name.startswith("_")
                or not inspect.isfunction(obj)
                or obj.__module__ != mod.__name__
            ):
                continue
            yield f"{info.name}.{name}", obj


FUNCTIONS = dict(_public_functions())


def test_the_physics_layer_has_public_functions():
    assert len(FUNCTIONS) > 50


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_public_physics_function_is_annotated(name):
    sig = inspect.signature(FUNCTIONS[name])
    plain = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    missing = [
        p.name for p in sig.parameters.values() if p.kind not in plain and p.annotation is p.empty
    ]
    assert not missing, f"{name}: arguments without a type hint: {missing}"
    assert sig.return_annotation is not sig.empty, f"{name}: no return type hint"
