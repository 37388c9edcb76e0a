"""One module per noun: each parses its arguments, calls the core, and renders."""
