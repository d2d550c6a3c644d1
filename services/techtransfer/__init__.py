"""Technology transfer market (policy clause 9(4)): offers, needs, interest, deals, sessions."""
