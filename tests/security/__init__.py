"""Black-box tests of security findings: each fails on the code that had the hole."""
