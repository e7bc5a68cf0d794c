"""Canvas conventions shared by every handler: error bodies, pagination, media types, URLs."""
