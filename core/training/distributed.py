"""Several processes (`accelerate launch`, `torchrun`): who is the main process, and agreeing across processes.

On a machine without a GPU, a launcher that starts several processes (`accelerate launch --multi_gpu
--num_processes 2`, `torchrun --nproc_per_node 2`) sets WORLD_SIZE and LOCAL_RANK but nothing that tells
accelerate to join them on the CPU: each process would then train alone on every row (the same work twice) and
call itself the main process. `prepare_cpu_processes` sets ACCELERATE_USE_CPU, which transformers'
TrainingArguments and accelerate both read, so the processes form one gloo group and split the batches.
(`accelerate launch --cpu --num_processes 2` starts one process only: its CPU launcher needs an MPI hostfile for
more.)
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def launched_processes() -> int:
    """How many processes the launcher started (WORLD_SIZE; 1 without a launcher)."""
    try:
        return max(int(os.environ.get("WORLD_SIZE", "1")), 1)
    except ValueError:
        return 1


def prepare_cpu_processes() -> bool:
    """Several processes launched and no GPU: train them together on the CPU (gloo). True when it applies."""
    import torch  # slow import, deferred to first use

    if launched_processes() <= 1 or torch.cuda.is_available():
        return False
    if os.environ.get("ACCELERATE_USE_CPU", "").lower() not in ("1", "true", "yes"):
        log.info("%d processes and no GPU: training them together on the CPU (ACCELERATE_USE_CPU=true, gloo)",
                 launched_processes())
        os.environ["ACCELERATE_USE_CPU"] = "true"
    return True


def single_process_cpu_launch() -> bool:
    """True (and a warning in the log) under `accelerate launch --cpu --num_processes N`, N > 1, which starts one
    process: it sets a main process address for N but no WORLD_SIZE (its CPU launcher needs an MPI hostfile)."""
    env = os.environ
    launched_for_several = env.get("ACCELERATE_USE_CPU", "").lower() in ("1", "true", "yes") and "MASTER_ADDR" in env
    if not launched_for_several or any(k in env for k in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE",
                                                           "MV2_COMM_WORLD_SIZE")):
        return False
    log.warning("accelerate launch --cpu started one process, not several (its CPU launcher needs an MPI hostfile): "
                "this run trains alone at batch_size per step. For several CPU processes use accelerate launch "
                "--multi_gpu --num_processes N on a machine without a GPU")
    return True


def state():
    """accelerate's PartialState, set up the way TrainingArguments will set it up (CPU processes included)."""
    from accelerate import PartialState  # slow import, deferred to first use

    return PartialState(cpu=prepare_cpu_processes())


def is_main_process() -> bool:
    """True unless this is a secondary process of a run with several processes."""
    return state().is_main_process


def broadcast(value):
    """The main process's value on every process (e.g. the run id it created)."""
    if state().num_processes <= 1:
        return value
    from accelerate.utils import broadcast_object_list  # slow import, only with several processes

    box = [value]
    broadcast_object_list(box, from_process=0)
    return box[0]


def any_process(flag: bool, device=None) -> bool:
    """True on every process when it is True on any one: processes must take the same branch (stop, evaluate) or
    the next collective operation waits forever."""
    import torch  # slow import, deferred to first use

    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return flag
    box = torch.tensor([1 if flag else 0], device=device)
    torch.distributed.all_reduce(box, op=torch.distributed.ReduceOp.MAX)
    return bool(box.item())
