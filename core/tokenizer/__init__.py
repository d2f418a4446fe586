"""The tokenizer: loading, the call's settings, encoding with explanations, length statistics, BPE training."""
