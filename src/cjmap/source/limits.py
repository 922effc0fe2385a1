"""How much one map may hold: checked when a map is validated, and kept to by every importer."""

MAX_TOUCHPOINTS = 5_000  # ten times the largest real maps we know of; beyond it lint and layout stop being quick
MAX_PERSONAS = 30  # maps are drawn for a handful; every persona multiplies paths, coverage findings and curves
LARGEST_MAX_FILE_SIZE = 100 * 1024 * 1024  # the most a config's `max-file-size` may allow, in bytes
