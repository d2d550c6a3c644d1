"""Matching service: finds counterparts between supply and demand records, both ways."""
