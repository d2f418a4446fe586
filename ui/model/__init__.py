"""Model tab: what a checkpoint is, its heads and what to train."""
