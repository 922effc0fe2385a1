"""Reading what users and attackers hand us: bounded files, YAML with positions, imports, where a project starts."""
