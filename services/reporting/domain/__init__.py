"""Pure aggregation rules of the reporting read model: no I/O, no framework."""
