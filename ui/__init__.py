"""Fine-tune Studio UI: one module per tab, assembled by app.py."""
