"""Commands around the build: voices, engines, preview, say, clean, watch."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from briefing.cli.common import (
    EngineOpt,
    JsonOpt,
    WorkspaceOpt,
    app,
    errors,
    resolve_settings,
    setup_logging,
)
from briefing.engines import available_engines, load_engine
from briefing.workspace import Workspace


@app.command()
def voices(
    engine: EngineOpt = None,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """List the voices of the speech engine."""
    setup_logging(0, False)
    with errors():
        settings = resolve_settings(Workspace(workspace), engine, None, None)
        eng = load_engine(settings.engine)
        try:
            found = eng.voices()
        finally:
            eng.close()
        if as_json:
            sys.stdout.write(json.dumps([asdict(v) for v in found], indent=2) + "\n")
            return
        for v in found:
            print(f"{v.id:24} {v.name:30} {', '.join(v.languages)}")


@app.command()
def engines() -> None:
    """List the installed speech engines."""
    for name in available_engines():
        print(name)


