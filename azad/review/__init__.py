"""The review queue: status of each article × language, claims, approvals, the web app."""
