"""How much one map may hold: checked when a map is validated, and kept to by every importer."""

MAX_TOUCHPOINTS = 5_000  # ten times the largest real maps we know of; beyond it lint and layout stop being quick
MAX_PERSONAS = 30  # maps are drawn for a handful; every persona multiplies paths, coverage findings and curves
