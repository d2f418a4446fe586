"""The run store: the only code that knows the layout of a run folder."""
