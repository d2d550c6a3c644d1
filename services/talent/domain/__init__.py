"""Pure rules of the talent market: pydantic models and table-driven state machines that
return ``Transition(entity, events)``. No I/O."""
