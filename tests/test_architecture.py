"""The shape of the code, checked like behaviour (docs/ARCHITECTURE.md "Layers and rooms").

* the import contract of pyproject.toml holds, and it does fail on a forbidden arrow or a cycle;
* no SQL string names another app's table (raw SQL takes names from the models, so every
  dependency is an import the contract sees);
* no source file over 600 lines;
* every audit action is a member of an app's ``AuditAction`` and is listed in docs/audit-events.md.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from lindung.core.audit import audit_actions

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lindung"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 600


def lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contract_holds() -> None:
    result = lint_imports(ROOT / "src", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    """A copy of the package, to break on purpose."""
    base = tmp_path_factory.mktemp("contract")
    shutil.copytree(
        PACKAGE,
        base / "src" / "lindung",
        ignore=shutil.ignore_patterns(
            "__pycache__", "migrations", "static", "templates", "locale", "data"
        ),
    )
    shutil.copy(ROOT / "pyproject.toml", base / "pyproject.toml")
    return base


@pytest.mark.parametrize(
    ("edits", "contract"),
    [
        # core reaching up to an app.
        ({"core/months.py": "import lindung.registry.models"}, "Apps depend only downwards"),
        # a domain app reaching up to the demo builder.
        ({"coverage/facts.py": "import lindung.demo.plan"}, "Apps depend only downwards"),
        # models reaching the interface.
        ({"registry/models.py": "import lindung.registry.views"}, "Models import no"),
        # two sibling modules importing each other.
        (
            {
                "core/months.py": "import lindung.core.ages",
                "core/ages.py": "import lindung.core.months",
            },
            "No import cycle",
        ),
        # a view reading the scope itself instead of through a selector.
        ({"registry/views.py": "import lindung.core.scope"}, "Views and API reach the region"),
    ],
    ids=["core-up", "app-to-demo", "models-to-views", "cycle", "view-to-scope"],
)
def test_the_contract_fails_on_a_forbidden_arrow(tree_copy, edits, contract) -> None:
    paths = {tree_copy / "src" / "lindung" / name: line for name, line in edits.items()}
    originals = {path: path.read_text() for path in paths}
    try:
        for path, line in paths.items():
            path.write_text(f"{line}\n{originals[path]}")
        result = lint_imports(tree_copy / "src", tree_copy)
    finally:
        for path, text in originals.items():
            path.write_text(text)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_no_source_file_over_600_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in [*_source_files(), *(ROOT / "bench").rglob("*.py")]
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these into packages named for their sub-domains: {long}"


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def _app_of(module: str) -> str:
    return module.split(".")[1]


def test_no_sql_string_names_another_apps_table() -> None:
    tables = {
        model._meta.db_table: _app_of(model.__module__)
        for model in apps.get_models()
        if model.__module__.startswith("lindung.")
    }
    pattern = re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(tables, key=len, reverse=True))) + r")\b"
    )
    found = []
    for path in _source_files():
        app = path.relative_to(PACKAGE).parts[0]
        for line, text in _strings(path):
            for table in pattern.findall(text):
                if tables[table] != app:
                    found.append(f"{path.relative_to(ROOT)}:{line} names {table}")
    assert not found, "take table names from the model (Model._meta.db_table):\n" + "\n".join(found)


def test_every_audit_action_is_declared_and_documented() -> None:
    # The product's own enumerations (a test may declare one of its own, e.g. the matrix's).
    actions = {
        v: m for v, m in audit_actions().items() if type(m).__module__.startswith("lindung.")
    }
    assert actions, "no AuditAction enumeration found"
    documented = (ROOT / "docs" / "audit-events.md").read_text()
    missing = [value for value in actions if f"`{value}`" not in documented]
    assert not missing, f"run `make audit-events` to list these in docs/audit-events.md: {missing}"
    prefixes = {value.split(".")[0] for value in actions}
    assert prefixes <= {*(p.name for p in PACKAGE.iterdir() if p.is_dir()), "import"}


AUDIT_WRITERS = {"record_audit", "finish_load"}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_every_record_audit_call_passes_an_enum_member() -> None:
    """A literal string as an action would bypass the enumerations."""
    found = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _called(node) in AUDIT_WRITERS:
                for kw in node.keywords:
                    if kw.arg == "action" and isinstance(kw.value, ast.Constant | ast.JoinedStr):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"use an AuditAction member: {found}"
