"""briefing: turn news articles with photo captions into accessible, chaptered audio briefings.

pydub looks for ffmpeg when it is imported and warns ("Couldn't find ffmpeg or avconv") when
there is none.  briefing gives pydub raw PCM only and never lets it call ffmpeg, so on a machine
without ffmpeg that warning (printed once per process, worker processes included) would only
tell a newcomer something is broken when nothing is.  That one message from pydub is ignored
here, where every process that imports briefing passes; every other warning stays.
"""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message=r"Couldn't find (ffmpeg or avconv|ffplay or avplay)",
                        category=RuntimeWarning, module=r"pydub\.utils")

__version__ = "0.1.0"
