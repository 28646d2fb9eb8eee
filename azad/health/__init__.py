"""Is this installation healthy? ``GET /healthz`` (one word per component) and ``azad
doctor`` (every prerequisite, with what to fix)."""
