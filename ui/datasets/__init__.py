"""The Datasets tab: tab (layout and wiring), handlers (the work), views (charts), strings (its words)."""
