"""The roadshows service: investor mandates, pitches, monthly domain roadshows (policy 10(3))."""
