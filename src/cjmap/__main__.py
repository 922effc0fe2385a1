"""Allow `python -m cjmap`."""

from cjmap.entry import main

main()
