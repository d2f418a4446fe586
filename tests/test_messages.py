"""core's messages: every template has a Chinese translation with the same fields, and localize() finds it
for an exception, for its stored text (a job's error in status.json), and inside another message."""

import ast
from pathlib import Path

import pytest

from core.messages import UserError, field_names, localize
from core.messages_zh import ZH

ROOT = Path(__file__).resolve().parent.parent
MARKERS = {"UserError", "say", "N_"}


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield node, func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def templates() -> dict[str, str]:
    """Every literal passed to UserError / say / N_ in core/ and ui/, with where it is."""
    found = {}
    for folder in ("core", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "metric_modules" in path.parts:
                continue
            for node, name in _calls(ast.parse(path.read_text(encoding="utf-8"))):
                if name in MARKERS and node.args:
                    arg = node.args[0]
                    assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), \
                        f"{path.name}:{node.lineno}: {name}() takes a literal template, so it can be translated"
                    found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_message_template_has_a_chinese_translation_with_the_same_fields():
    found = templates()
    assert len(found) > 120
    missing = {t: where for t, where in found.items() if t not in ZH}
    assert not missing, f"add these to core/messages_zh.py: {missing}"
    stale = [t for t in ZH if t not in found]
    assert not stale, f"no longer in the code, remove from core/messages_zh.py: {stale}"
    for english, chinese in ZH.items():
        assert field_names(english) == field_names(chinese), english
        assert chinese.strip() and chinese != english


def test_core_raises_no_untranslatable_value_error():
    """A ValueError with a literal message in core bypasses the catalogue: raise UserError(template, ...)."""
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if "metric_modules" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func, args = node.exc.func, node.exc.args
                if getattr(func, "id", "") == "ValueError" and args and isinstance(args[0], (ast.Constant, ast.JoinedStr)):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


def test_user_error_reads_as_english_and_translates_from_its_fields():
    from core.training.config import TrainConfig

    with pytest.raises(UserError) as caught:
        TrainConfig(learning_rate=5)
    err = caught.value
    assert str(err) == "learning_rate: 5 is outside (0, 0.1] - fine-tuning uses about 1e-5 to 1e-4, e.g. 5e-5"
    assert isinstance(err, ValueError)  # callers that catch ValueError keep working
    assert localize(err, "en") == str(err)
    assert localize(err, "zh") == "learning_rate：5 不在 (0, 0.1] 范围内 - 微调通常用 1e-5 到 1e-4，例如 5e-5"


def test_stored_text_translates_like_the_exception_including_nested_hints():
    from core.training.config import TrainConfig

    with pytest.raises(UserError) as caught:
        TrainConfig(batch_size=0)
    text = str(caught.value)  # what a job's status.json keeps, or a training process sends back
    assert localize(text, "zh") == localize(caught.value, "zh")
    assert localize(text, "zh") == "batch_size：0 不在 [1, 4096] 范围内 - 例如 8、16 或 32；内存不足时调低"


def test_out_of_memory_reason_and_offline_reason_translate():
    from core import sources
    from core.jobs.failures import describe_error
    from core.training.config import TrainConfig

    reason = describe_error(MemoryError(), TrainConfig(batch_size=32, max_length=256))
    assert reason.startswith("Out of memory in RAM: lower batch_size (now 32)")
    assert localize(reason, "zh").startswith("内存不足（RAM）：请调低 batch_size（当前 32）、缩短 max_length（当前 256）")

    was = sources._online, sources._offline_reason
    try:
        sources.force_offline("HF_HUB_OFFLINE is set")
        with pytest.raises(UserError) as caught:
            sources.require_online("Pushing to the Hub")
    finally:
        sources._online, sources._offline_reason = was
    assert localize(caught.value, "zh").startswith("推送到 Hub 需要 Hugging Face Hub，但应用处于离线状态（设置了 HF_HUB_OFFLINE）")


def test_tokenizer_notes_translate_and_unknown_text_stays_english():
    from core.tokenizer import encode as tke
    from core.tokenizer import loading as tkn
    from core.tokenizer.call_settings import EncodeSettings

    tok = tkn.load_tokenizer("")
    result = tke.encode(tok, ["Hello world"], None, EncodeSettings(padding="false", truncation="false", max_length=8))
    assert result.notes == ["max_length=8 does nothing here: it is used only by truncation (cut longer sequences) "
                            "and by padding='max_length' (fill shorter ones)."]
    assert localize(result.notes[0], "zh").startswith("max_length=8 在这里不起作用")
    assert localize("CUDA error: device-side assert triggered", "zh") == "CUDA error: device-side assert triggered"
    assert localize(None, "zh") == ""
