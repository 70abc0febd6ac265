"""`python -m lms ...` runs the `lms` command line."""

from lms.cli import main

main()
