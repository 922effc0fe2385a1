"""What a map's words mean and how they show, defined once for every output and check.

Each module holds one piece of the vocabulary: the emotion scale (`emotion`), the
grid's lanes (`lanes`), colours (`palettes`), ids derived from names (`ids`) and
which touchpoints a persona meets (`personas`). The package imports only the
standard library, so the lint path can read it without Graphviz, Jinja or rich.
"""
