"""The translation memory: store, build, alignment, fuzzy matching, TMX, QA."""
