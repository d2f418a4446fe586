"""The Tokenizer tab: tab (layout and wiring), handlers (the work and the JSON endpoints), views (tokens, charts)."""
