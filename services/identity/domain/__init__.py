"""Identity's pure rules: credit codes, organisations, tier lists, passwords, throttling.

Nothing in this package does I/O; every function takes the time it needs as an argument.
"""
