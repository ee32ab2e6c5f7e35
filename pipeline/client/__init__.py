"""What apps receive: bundles, rich text, cards, the index and their schemas."""
