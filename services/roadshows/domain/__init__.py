"""Pure rules of the roadshow market: models and table-driven state machines. No I/O."""
