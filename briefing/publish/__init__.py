"""What a build publishes: per-date outputs (``outputs``, ``transcripts``), the manifest that
describes them (``manifest``), and from manifests alone the pages (``pages``), the podcast feed
(``feed``) and the local server (``serve``); ``web`` writes the site."""
