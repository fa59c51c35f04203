"""`python -m derivtutor` runs the `derive` command."""

from derivtutor.cli import main

main()
