"""The review database (one SQLite file): its schema and migrations, accounts, sessions
and login limits. Infrastructure below the review domain and the web app."""
