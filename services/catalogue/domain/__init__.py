"""Pure rules of the catalogue market: pydantic models and table-driven state machines
returning ``Transition(entity, events)``. No I/O."""
