"""`python -m derivtutor` runs the `derive` command."""

from derivtutor.entry import main

main()
