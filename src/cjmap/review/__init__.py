"""Reviewing maps against each other: semantic diff, current-against-future compare, outline, git revisions."""
