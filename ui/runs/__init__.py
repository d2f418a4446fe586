"""5 · Runs: tab (layout and wiring), handlers (list, compare, try, export, push, delete)."""
