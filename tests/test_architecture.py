"""The layout's rules, enforced: imports run one way, tabs are independent and the same shape, no cycles,
no Gradio in core (.importlinter holds the contracts; CONTRIBUTING.md explains them)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command())", "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "5 kept, 0 broken" in done.stdout


def test_the_contracts_fail_on_an_upward_import(tmp_path):
    """The check can fail: a copy of the tree where the run store imports the job manager breaks the layers."""
    import shutil

    for name in ("core", "ui", ".importlinter"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    store = tmp_path / "core" / "runs" / "store.py"
    store.write_text(store.read_text() + "\nfrom core.jobs import manager  # noqa: E402,F401\n")
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command())", "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode != 0
    assert "core.runs.store -> core.jobs.manager" in done.stdout
    assert "BROKEN" in done.stdout


def _function_level_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                yield node, lines


def test_every_import_inside_a_function_says_why():
    """Imports inside functions stay only where they keep start-up fast (or the package is optional), and each
    says so in a comment on its line or the line above."""
    unexplained = []
    for path in sorted([*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py")]):
        if "metric_modules" in path.parts:
            continue
        for node, lines in _function_level_imports(path):
            first = node.lineno - 1  # a comment may stand above a block of consecutive imports
            while first > 0 and lines[first - 1].strip().startswith(("import ", "from ")):
                first -= 1
            if "#" not in " ".join(lines[max(first - 1, 0):node.end_lineno]):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert not unexplained, "say why in a comment, or import at the top: " + "; ".join(unexplained)


def test_every_tab_folder_is_on_the_page_and_under_the_tab_contracts():
    """A tab is a folder of ui with a tab.py: app.TABS lists it, and the two tab contracts of .importlinter name it
    (so it stays independent of the other tabs and keeps the tab -> handlers -> views shape)."""
    import configparser

    import app

    folders = {path.parent.name for path in (ROOT / "ui").glob("*/tab.py")}
    assert set(app.TABS) == folders and len(app.TABS) == len(folders)
    contracts = configparser.ConfigParser()
    contracts.read(ROOT / ".importlinter")
    independent = contracts["importlinter:contract:tabs"]["layers"].split()
    shaped = contracts["importlinter:contract:tab-shape"]["containers"].split()
    for name in folders:
        assert f"ui.{name}" in independent and f"ui.{name}" in shaped, f"ui.{name} is missing in .importlinter"
