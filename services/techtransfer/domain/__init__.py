"""Pure domain core of the techtransfer service: models and rules (the meeting scheduler
itself is the shared, market-free ``shared.scheduling``).

Nothing here does I/O or knows about HTTP, Kafka or MongoDB. Every command is a plain
function that takes the current state (and ``now``) and returns the new state together
with the names of the events to emit; rule violations raise ``errors.DomainError``.
"""
