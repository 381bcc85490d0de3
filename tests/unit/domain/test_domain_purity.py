"""domain/ stays pure: no AWS SDK, no imaging or OCR library may be imported there."""

from __future__ import annotations

import ast
from pathlib import Path

import device_intake.domain

FORBIDDEN = {"boto3", "botocore", "cv2", "numpy", "pytesseract", "tesserocr", "PIL"}
DOMAIN = Path(device_intake.domain.__file__).parent


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_domain_modules_import_no_infrastructure_or_imaging_library():
    offenders = {}
    files = sorted(DOMAIN.rglob("*.py"))
    assert len(files) >= 5  # the walk really found the package
    for path in files:
        bad = _imported_roots(ast.parse(path.read_text(encoding="utf-8"))) & FORBIDDEN
        if bad:
            offenders[str(path.relative_to(DOMAIN))] = sorted(bad)
    assert offenders == {}


def test_domain_does_not_reach_into_outer_layers():
    outer = ("device_intake.inspection", "device_intake.adapters", "device_intake.app")
    offenders = {}
    for path in sorted(DOMAIN.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        bad = sorted(n for n in names if n.startswith(outer))
        if bad:
            offenders[str(path.relative_to(DOMAIN))] = bad
    assert offenders == {}


def test_the_walk_would_catch_a_forbidden_import():
    tree = ast.parse("import numpy as np\nfrom PIL import Image\nfrom cv2 import imread\n")
    assert _imported_roots(tree) & FORBIDDEN == {"numpy", "PIL", "cv2"}
