"""Maps from other tools turned into cjmap maps."""
