"""Linting as a library: find maps, load and check them, apply the user's policy, format findings for CI."""
