"""The pages, one module per step of the journey; each exposes `register(deps)`."""
