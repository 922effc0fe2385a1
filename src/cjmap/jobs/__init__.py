"""Work on disk: one map built to its outputs, many maps over processes, watching, writing outputs safely."""
