"""ui.downloads: one kept file per thing, however often it is downloaded; a version reuses it, a failed build leaves
nothing behind, and concurrent downloads of one thing build it once."""

import threading
import time

import pytest

from ui import downloads


def _writer(text: str, calls: list, name: str = "thing.txt", wait_s: float = 0.0):
    def build(work):
        calls.append(text)
        time.sleep(wait_s)
        (work / name).write_text(text)
        return work / name
    return build


def _leftovers() -> list[str]:
    return sorted(p.name for p in downloads.folder().iterdir() if p.name.startswith(".build-"))


def test_a_thing_keeps_one_file_rebuilt_without_a_version_reused_with_one():
    calls = []
    first = downloads.kept_file("board/c1", _writer("v1", calls))
    again = downloads.kept_file("board/c1", _writer("v2", calls, name="renamed.txt"))
    assert again.read_text() == "v2" and not first.exists()  # a renamed class leaves no old file
    assert [p.name for p in again.parent.iterdir()] == ["renamed.txt"]
    model = downloads.kept_file("model/r1", _writer("zip", calls), version=1.0)
    assert downloads.kept_file("model/r1", _writer("zip again", calls), version=1.0) == model
    assert model.read_text() == "zip" and calls == ["v1", "v2", "zip"]  # the same version is not built again
    assert downloads.kept_file("model/r1", _writer("new", calls), version=2.0).read_text() == "new"
    assert _leftovers() == []


def test_a_failed_build_leaves_nothing_and_the_old_file_stays():
    calls = []
    kept = downloads.kept_file("script/r2/loop", _writer("ok", calls))

    def broken(work):
        (work / "half.zip").write_text("half")
        raise ValueError("no saved model")

    with pytest.raises(ValueError, match="no saved model"):
        downloads.kept_file("script/r2/loop", broken)
    assert kept.read_text() == "ok" and _leftovers() == []


def test_concurrent_downloads_of_one_thing_build_it_once():
    calls, paths = [], []
    threads = [threading.Thread(target=lambda: paths.append(downloads.kept_file(
        "model/r3", _writer("zip", calls, wait_s=0.2), version=5.0))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert calls == ["zip"] and len(set(paths)) == 1
