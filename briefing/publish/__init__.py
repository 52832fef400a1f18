"""What a build publishes: per-date outputs, transcripts, pages, the podcast feed and the local
server."""
