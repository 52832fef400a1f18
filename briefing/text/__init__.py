"""Reading articles and scripts: article files, captions and credits, dates, descriptions,
titles, and the narration script."""
