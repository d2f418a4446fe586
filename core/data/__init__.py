"""Data: where a dataset comes from (source), loading it (loading), and looking at it (describe)."""
