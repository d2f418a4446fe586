"""The three exported forms of a run: the Trainer script, the plain PyTorch loop, the Accelerate loop.

Each is a script, a file name, the command lines that run it, and a zip with the script and what it reads beside
it (core.results.export_script.bundle: the sample's CSV files, the metric modules, config.json).
"""

from __future__ import annotations

from pathlib import Path

from core.messages import UserError
from core.results import export_loops, export_script
from core.task_registry import task_of

FORMS = ("trainer", "loop", "accelerate")


def check_form(form) -> str:
    if form not in FORMS:
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name="form",
                        value=str(form)[:40], choices=", ".join(FORMS))
    return form


def file_name(config, form: str = "trainer") -> str:
    if check_form(form) == "trainer":
        return export_script.script_name(config)
    return export_loops.loop_script_name(config, accelerate=form == "accelerate")


def generate(config, form: str = "trainer") -> str:
    """The script of one form."""
    task = task_of(config if hasattr(config, "task") else dict(config))
    if check_form(form) not in task.export_forms:
        raise UserError("form: {form} exports classification runs; a causal LM run exports as the Trainer script - "
                        "choose trainer", form=form)
    if form == "trainer":
        return task.export_script(config)  # the task's own Trainer script (core/tasks/)
    return export_loops.generate_accelerate(config) if form == "accelerate" else export_loops.generate_loop(config)


def commands(config, form: str = "trainer", num_processes: int = 2) -> str:
    """Shell lines that run a form: python, accelerate config and launch, and past one machine."""
    if check_form(form) == "trainer":
        return export_script.accelerate_commands(config, num_processes)
    if num_processes < 1:
        raise UserError("num_processes must be at least 1: use the number of GPUs")
    script, n = file_name(config, form), int(num_processes)
    if form == "loop":
        return "\n".join(["# one process, on the GPU when there is one (the Accelerate loop runs on several)",
                          f"python {script}"])
    return "\n".join([
        "# one process, as a plain script", f"python {script}",
        "# once per machine: say what it has (GPUs, mixed precision); accelerate launch then reads it",
        "accelerate config",
        f"# one process per GPU, {n} in all", f"accelerate launch --num_processes {n} {script}",
        "# no GPU: several processes on the CPU (gloo); --cpu alone would start only one",
        f"accelerate launch --multi_gpu --num_processes {n} {script}",
        "# past one machine: the same command on each, --num_processes counting them all, --machine_rank 0 on the",
        "# machine whose address the others reach (10.0.0.1 here), 1 on the next, ...",
        f"accelerate launch --multi_gpu --num_machines 2 --machine_rank 0 --main_process_ip 10.0.0.1 "
        f"--main_process_port 29500 --num_processes {2 * n} {script}",
    ])


def bundle(config, dest_dir: Path, form: str = "trainer") -> Path:
    """A zip of one form's script with the data and metric modules it reads beside it."""
    return export_script.bundle(config, dest_dir, script=generate(config, form), name=file_name(config, form))
