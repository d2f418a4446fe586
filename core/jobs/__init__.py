"""Jobs: the queue of training runs, the training child process, ZeroGPU and the command line."""
