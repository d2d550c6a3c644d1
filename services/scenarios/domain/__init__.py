"""Pure rules of the scenario market: pydantic models and table-driven state machines."""
