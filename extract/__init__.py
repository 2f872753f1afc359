"""Getting documents from the outside world: local files now, the web later. Returns bytes and metadata."""
