"""1 · Datasets: tab (layout and wiring), handlers (the work), views (charts)."""
