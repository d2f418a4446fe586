"""App-wide settings read once from the environment (guardrails for public Spaces live here)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.messages import UserError

ROOT = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as err:
        raise UserError("{name}={raw!r} is not a whole number: set it to e.g. {default}", name=name, raw=raw,
                        default=default) from err


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


# What a public server allows when its owner set nothing (README, "Hosting in public"): a run stays within minutes
# on 2 CPU cores (500 steps of the quick demo's MiniLM batches take 3-8 min), and one request's model work within
# what a small Space has to spare. An owner's own value, 0 included, always wins.
PUBLIC_DEFAULTS = {"max_steps": 500, "max_train_samples": 5000, "max_request_mb": 4096}
PUBLIC_DEFAULT_ENV = {"max_steps": "MAX_STEPS", "max_train_samples": "MAX_TRAIN_SAMPLES",
                      "max_request_mb": "MAX_REQUEST_MB"}


def public_by_default() -> bool:
    """PUBLIC_MODE when set; else public on a Hugging Face Space (SPACE_ID is set there). app.main() also
    turns it on for a server that listens beyond this machine (--host 0.0.0.0, --share)."""
    return _env_bool("PUBLIC_MODE", bool(os.environ.get("SPACE_ID")))


def explicit_public_mode() -> bool:
    """Whether PUBLIC_MODE was set: then the host the app listens on does not change the mode."""
    return bool(os.environ.get("PUBLIC_MODE", "").strip())


@dataclass(frozen=True)
class Settings:
    """Limits and folders; every field can be set by the environment variable named in its help."""

    runs_dir: Path = field(default_factory=lambda: Path(os.environ.get("RUNS_DIR", ROOT / "runs")))
    uploads_dir: Path = field(default_factory=lambda: Path(os.environ.get("UPLOADS_DIR", ROOT / "uploads")))
    max_upload_mb: int = field(default_factory=lambda: _env_int("MAX_UPLOAD_MB", 200))
    training_enabled: bool = field(default_factory=lambda: _env_bool("TRAINING_ENABLED", True))
    max_train_samples: int = field(default_factory=lambda: _env_int("MAX_TRAIN_SAMPLES", 0))
    max_steps: int = field(default_factory=lambda: _env_int("MAX_STEPS", 0))
    max_queue: int = field(default_factory=lambda: _env_int("MAX_QUEUE", 8))
    allow_any_stop: bool = field(default_factory=lambda: _env_bool("ALLOW_ANY_STOP", False))
    # each job in its own process (default): the web server keeps its GIL; 0 runs jobs as a thread of it
    training_process: bool = field(default_factory=lambda: _env_bool("TRAINING_PROCESS", True))
    # the training process's nice value: the CPU serves the pages first, training takes what is left
    training_nice: int = field(default_factory=lambda: _env_int("TRAINING_NICE", 10))
    # public: every visitor is a stranger (README, "Hosting in public"); private: the machine's own user
    public: bool = field(default_factory=public_by_default)
    # the server owner's key: stop, resume, delete and push any run (empty: no admin)
    admin_key: str = field(default_factory=lambda: os.environ.get("ADMIN_KEY", "").strip(), repr=False)
    # public mode: pushes may fall back to the server's HF_TOKEN only when this is set
    allow_server_token: bool = field(default_factory=lambda: _env_bool("ALLOW_SERVER_TOKEN", False))
    # public mode: Hub models allowed to run their own code (trust_remote_code); none by default
    trusted_remote_code: tuple[str, ...] = field(default_factory=lambda: _env_list("TRUSTED_REMOTE_CODE"))
    # uploads a visitor keeps; the oldest go first
    max_uploads: int = field(default_factory=lambda: _env_int("MAX_UPLOADS", 20))
    # public mode: runs one visitor may have queued or training at once (0: no limit), so nobody fills the queue
    max_jobs_per_visitor: int = field(default_factory=lambda: _env_int("MAX_JOBS_PER_VISITOR", 2))
    # the largest model (parameters) the Model tab loads to run its heads, or times a training step of (0: no limit)
    max_inspect_params: int = field(default_factory=lambda: _env_int("MAX_INSPECT_PARAMS", 500_000_000))
    # the most memory (MiB) one request's model work may take - a timed step, a walk-through, the heads, a
    # prediction (0: what the machine has free); public default 4096. core.model.estimate.check_fits applies it
    max_request_mb: int = field(default_factory=lambda: _env_int("MAX_REQUEST_MB", 0))
    # seconds a request's model work in a child process may run before it is stopped (core.jobs.bounded)
    request_timeout_s: int = field(default_factory=lambda: _env_int("REQUEST_TIMEOUT_S", 120))
    # strangers at scale (README, "Hosting in public"): a stranger with many sessions is one client address.
    # public mode: runs queued or training at once per client address (or signed-in user); 0: no limit
    max_jobs_per_address: int = field(default_factory=lambda: _env_int("MAX_JOBS_PER_ADDRESS", 4))
    # the client address is the last X-Forwarded-For hop (behind a proxy, e.g. a Space); else the peer's, unless
    # the peer is this machine (a local reverse proxy)
    trust_forwarded_for: bool = field(default_factory=lambda: _env_bool("TRUST_FORWARDED_FOR",
                                                                        bool(os.environ.get("SPACE_ID"))))
    # public mode: requests that run a model (a chat answer, Try it's predict or write) per stranger (client address or
    # signed-in user; a class's student on their own): running at once, and started per minute (0: no limit)
    model_calls_at_once: int = field(default_factory=lambda: _env_int("MODEL_CALLS_AT_ONCE", 1))
    model_calls_per_minute: int = field(default_factory=lambda: _env_int("MODEL_CALLS_PER_MINUTE", 20))
    # public mode: a class's students' model calls running at once, all of them together (0: no limit): a class code
    # is one bounded share of the server, however many nicknames join with it
    class_model_calls_at_once: int = field(default_factory=lambda: _env_int("CLASS_MODEL_CALLS_AT_ONCE", 4))
    # visitors' uploads kept in all (MB); past it the oldest unused go first, never one a queued or running job needs
    max_uploads_total_mb: int = field(default_factory=lambda: _env_int("MAX_UPLOADS_TOTAL_MB", 2000))
    # Gradio's raw upload route, per client address and hour: MB received and requests (0: no limit)
    upload_mb_per_hour: int = field(default_factory=lambda: _env_int("UPLOAD_MB_PER_HOUR", 500))
    uploads_per_hour: int = field(default_factory=lambda: _env_int("UPLOADS_PER_HOUR", 120))
    # runs that train at once (core.jobs.pool): 0 decides from the machine (CPU cores and memory, or GPU memory)
    training_workers: int = field(default_factory=lambda: _env_int("TRAINING_WORKERS", 0))

    def __post_init__(self) -> None:
        # absolute folders: a public server moves its working folder (core.sources.work_in_empty_folder)
        for name in ("runs_dir", "uploads_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser().absolute())
        if self.public:  # a cap the owner left unset takes its public default (also when a flag turns public on)
            for name, value in PUBLIC_DEFAULTS.items():
                if getattr(self, name) == 0 and not os.environ.get(PUBLIC_DEFAULT_ENV[name], "").strip():
                    object.__setattr__(self, name, value)

    def train_rows(self, requested: int) -> int:
        """The training rows a run samples: what it asked for; all rows (0) up to MAX_TRAIN_SAMPLES where it is set."""
        return requested or max(self.max_train_samples, 0)


_current: Settings | None = None


def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    global _current
    if _current is None:
        _current = Settings()
    return _current


def set_settings(settings: Settings) -> None:
    """Replace the process settings (the CLI flags and tests use this)."""
    global _current
    _current = settings
