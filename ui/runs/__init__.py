"""The Runs tab: tab (layout and wiring), handlers (list, compare, try, export, push, delete), strings."""
