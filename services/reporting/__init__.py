"""Reporting: the read side over every market's events (funnels, enterprise profiles,
monitoring alerts, the annual evaluation report; policy 15 and 16)."""
