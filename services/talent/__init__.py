"""Talent market (policy 11(4)): enterprises' talent demands, the operator's list of
headhunter agencies, claims, candidates, the hiring pipeline, placements and job fairs."""
