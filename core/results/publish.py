"""Taking a trained model elsewhere: a zip of its folder, or a push to the Hugging Face Hub."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from pathlib import Path

from core import sources
from core.messages import N_, UserError
from core.model.saved import export_folder
from core.runs.store import has_saved_model

log = logging.getLogger(__name__)


LEFT_BEHIND = ("training_args.bin",)  # the Trainer's arguments: they name this server's run folder


def _check_model(model_dir: Path) -> None:
    if not has_saved_model(model_dir):
        raise UserError("Run {run} has no saved model: train it with 'save model' on first", run=model_dir.parent.name)


def zip_model(model_dir: str | Path, dest_dir: str | Path, name: str) -> Path:
    """The model folder (weights, config, tokenizer) as one zip file in dest_dir; a LoRA run's adapter is merged
    into its base model first (the adapter comes along in adapter/)."""
    model_dir = Path(model_dir)
    _check_model(model_dir)
    model_dir = export_folder(model_dir, dest_dir)
    path = Path(dest_dir) / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(model_dir.rglob("*")):
            if file.is_file() and file.name not in LEFT_BEHIND:
                archive.write(file, file.relative_to(model_dir))
    return path


def push_model(model_dir: str | Path, repo_id: str, token: str, private: bool = True, card: str = "") -> str:
    """Upload a saved model folder to a Hub repo (created if missing), with its model card as README.md when one is
    given (core.results.model_card); returns the repo URL.

    The token is used for this call only: never logged, stored or put in an error message.
    """
    from huggingface_hub import HfApi  # slow import, deferred to first use
    from huggingface_hub.errors import HfHubHTTPError

    repo_id = (repo_id or "").strip()
    if "/" not in repo_id:
        raise UserError("Type the repo as user/name, e.g. alice/minilm-reviews")
    if not token:
        raise UserError("A Hugging Face write token is needed: set HF_TOKEN or paste one")
    sources.require_online(N_("Pushing to the Hub"))
    _check_model(Path(model_dir))
    api = HfApi(token=token)
    work = tempfile.TemporaryDirectory(prefix="fts-push-")
    try:
        folder = export_folder(model_dir, work.name)  # a LoRA run: the adapter merged into its base model
        url = api.create_repo(repo_id, private=private, exist_ok=True)
        api.upload_folder(folder_path=str(folder), repo_id=repo_id, commit_message="Fine-tune Studio upload",
                          ignore_patterns=list(LEFT_BEHIND))
        if card:
            api.upload_file(path_or_fileobj=card.encode("utf-8"), path_in_repo="README.md", repo_id=repo_id,
                            commit_message="Model card (Fine-tune Studio)")
    except (HfHubHTTPError, OSError) as err:
        reason = str(err).replace(token, "***").splitlines()[0][:200]
        raise UserError("The upload to {repo} failed ({reason}): check the token has write access", repo=repo_id,
                        reason=reason) from err
    finally:
        work.cleanup()
    log.info("pushed %s to %s", model_dir, repo_id)
    return str(url)
