"""Pure rules of the matching service: record changes, when a suggestion fires, feedback."""
