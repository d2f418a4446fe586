"""Prefetch's cache checks: what was downloaded is usable offline, what was not fails fast."""

import pytest

from core import sources
from core.data import loading
from core.data import source as data


@pytest.fixture()
def caches(tmp_path, monkeypatch):
    datasets_root, hub_root = tmp_path / "datasets", tmp_path / "hub"
    datasets_root.mkdir()
    hub_root.mkdir()
    monkeypatch.setattr(sources, "_cache_roots", lambda: (datasets_root, hub_root))
    monkeypatch.setattr(sources, "hub_cache_dir", lambda: hub_root)
    return datasets_root, hub_root


def test_cache_check_matches_redirected_dataset_names(caches):
    datasets_root, hub_root = caches
    assert not sources.is_dataset_cached("imdb")
    (datasets_root / "stanfordnlp___imdb").mkdir()
    (hub_root / "datasets--nyu-mll--glue").mkdir()
    assert sources.is_dataset_cached("imdb")
    assert sources.is_dataset_cached("glue")
    assert not sources.is_dataset_cached("emotion")
    assert data.cached_presets()["imdb"] is True


def test_cached_model_resolves_offline_and_uncached_names_the_fix(caches):
    _, hub_root = caches
    with pytest.raises(ValueError, match="not in the local cache.*offline"):
        sources.resolve_model("gpt2")
    (hub_root / "models--gpt2" / "snapshots").mkdir(parents=True)
    assert sources.is_model_cached("gpt2")
    assert sources.resolve_model("gpt2") == "gpt2"


def test_prefetch_needs_the_network():
    with pytest.raises(ValueError, match="Prefetching needs the Hugging Face Hub"):
        sources.prefetch("imdb", ["gpt2"])


def test_uncached_hub_dataset_is_refused_offline(caches):
    with pytest.raises(ValueError, match="not in the local cache"):
        loading.load_source(data.DatasetSource("hub", name="emotion"))
