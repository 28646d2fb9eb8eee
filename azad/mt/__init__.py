"""Machine-translation helpers: Argos Translate package building and offline test models."""
