"""_core.pyi names exactly what the compiled module has, so the stubs cannot drift from it."""

import ast
from pathlib import Path

import promptjournal
from promptjournal import _core


def stub_names():
    tree = ast.parse(Path(promptjournal.__file__).with_name("_core.pyi").read_text())
    top, classes = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            top.add(node.name)
        elif isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            top.add(node.target.id)
    return top, classes


def public(names):
    return {n for n in names if not n.startswith("_") or n in ("__init__", "__version__")}


def test_stubs_name_every_public_member_of_the_module():
    top, classes = stub_names()
    assert top == public(dir(_core)) - {"__init__"}
    for name, members in classes.items():
        assert members == public(dir(getattr(_core, name))), name


def test_every_member_has_a_docstring():
    for name in ("Session", "Manager"):
        cls = getattr(_core, name)
        assert cls.__doc__
        for member in public(dir(cls)) - {"__init__"}:
            attr = getattr(cls, member)
            assert attr.__doc__ or isinstance(attr, property), f"{name}.{member}"
