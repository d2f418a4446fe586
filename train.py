"""Train from the command line with the app's own code: one run folder, the same metrics as the app.

    python train.py --config runs/<run_id>/config.json --runs-dir runs
    python train.py --resume <run_id>
    accelerate launch --num_processes 2 train.py --config my_config.json     # several GPUs
"""

import sys

from core.jobs.cli import main

if __name__ == "__main__":
    sys.exit(main())
