"""Audio from the engines' WAVs: assembly into chapters, loudness, MP3 and M4B encoding, ID3
tags."""
