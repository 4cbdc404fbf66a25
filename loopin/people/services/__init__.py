"""People's writes, one module per sub-domain: friends, follows, blocks (and mutes), profile, reports."""
