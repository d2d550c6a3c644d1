"""Unit tests of the techtransfer domain core (no I/O)."""
