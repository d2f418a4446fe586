"""The Train tab: tab (layout and wiring), handlers (buttons and API), live (the timer tick), form (TrainConfig
widgets), views (status line and tables)."""
