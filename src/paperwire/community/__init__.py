"""Community features: accounts, sessions, votes, comments, submissions, moderation, trending."""
