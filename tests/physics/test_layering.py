"""The physics layer imports neither astropy, crescape.params nor crescape.units (docs/units.md)."""

import ast
from pathlib import Path

import pytest

import crescape.physics

PHYSICS = Path(crescape.physics.__file__).parent
FORBIDDEN = ("astropy", "crescape.params", "crescape.units")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against crescape.physics
                parts = ["crescape", "physics"][: 2 - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            names.append(base)
    return names


@pytest.mark.parametrize("module", [p.name for p in sorted(PHYSICS.glob("*.py"))])
def test_physics_module_imports_no_units_layer(module):
    bad = [n for n in _imports(PHYSICS / module) if n.startswith(FORBIDDEN)]
    assert not bad, f"{module} imports {bad}"


def test_the_check_sees_a_forbidden_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("from ..params import ParameterError\nimport astropy.units as u\n")
    assert _imports(f) == ["crescape.params", "astropy.units"]
