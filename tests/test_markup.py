"""Article text and file names never become script markup, end to end through the CLI.

Hostile text goes through an article into the generated script, back through the reader into
the audio and the transcripts: no added chapter, pause, comment or phoneme input, and the words
are spoken and transcribed as they were written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefing.text.script_read import Pause, read_script
from tests.conftest import Cli

DAY = "2024-05-14"
HOSTILE = [
    "Officials said [PAUSE 45s] was written on the banner.",
    "A sign read [Pause soon] and [ pause 2s ] in any case.",
    "The code [[h@'l@U]] and [[[x]]] must not become phonemes.",
    "## Injected chapter is only a caption.",
    "1. Not a list item, and *not emphasis* nor _this_ nor `code`.",
    "<!-- not a comment --> and \\[pause 1s] with a backslash.",
    "A picture ![img](x) and a [link](https://example.com/a) in the text.",
]


def _article(folder: Path, name: str, paragraphs: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    body = "\n\n".join(paragraphs)
    path.write_text(f" date {DAY} The city opened a new bridge on Tuesday.\n\n{body}\n",
                    encoding="utf-8")
    return path


def _build(ws: Path, cli: Any) -> dict[str, Any]:
    (ws / "briefing.toml").write_text('engine = "fake"\n')
    result = cli("build", "-w", ws, "--json")
    assert result.exit_code == 0, (result.stderr, result.exception)
    return dict(result.json())


@pytest.mark.parametrize("name", [
    "x-->y.txt",
    "a -->\n\n## Injected chapter\n\nHello there. <!--.txt",
    "b--.txt",
    "[pause 9s] ## c *d*.txt",
])
def test_a_file_name_never_becomes_markup(ws: Path, cli: Cli, name: str) -> None:
    _article(ws / "articles", name, ["The bridge has two lanes."])
    report = _build(ws, cli)
    script = read_script(ws / "scripts" / f"{DAY}.md")
    titles = [c.title for c in script.chapters]
    assert len(titles) == 3 and titles[0] == "Opening" and titles[2] == "Closing", titles
    assert not any("Injected" in t or "Hello" in t for t in titles)
    assert " ".join(script.chapters[1].sentences).endswith("The bridge has two lanes.")
    assert not any(isinstance(b, Pause) for c in script.chapters for b in c.blocks)
    [day] = report["dates"]
    assert day["audio"] == "built"


def test_article_text_is_spoken_and_transcribed_as_written(ws: Path, cli: Cli) -> None:
    _article(ws / "articles", "a.txt", HOSTILE)
    (ws / "pronunciations.toml").write_text('bridge = "[[brIdZ]]"\n', encoding="utf-8")
    _build(ws, cli)
    script = read_script(ws / "scripts" / f"{DAY}.md")
    assert len(script.chapters) == 3
    assert not any(isinstance(b, Pause) for c in script.chapters for b in c.blocks)
    spoken_script = " ".join(s for c in script.chapters for s in c.sentences)
    for paragraph in HOSTILE:
        assert paragraph in spoken_script
    manifest = json.loads((ws / "audio" / DAY / f"briefing-{DAY}.json").read_text())
    transcript = " ".join(cue["text"] for cue in manifest["cues"])
    for paragraph in HOSTILE:
        assert paragraph in transcript
    preview = cli("preview", DAY, "-w", ws, "--json")
    assert preview.exit_code == 0, preview.stderr
    sent = [seg["spoken"] for seg in preview.json()]
    # only the lexicon's phonemes reach the engine as phoneme input
    assert all(s.replace("[[brIdZ]]", "").count("[[") == 0 for s in sent), sent
    assert any("[[brIdZ]]" in s for s in sent)
    picture = next(s for s in sent if "picture" in s)
    assert picture == "A picture image: img and a link in the text."


def test_control_characters_never_reach_the_outputs(ws: Path, cli: Cli) -> None:
    _article(ws / "articles", "a.txt", ["Bells\x07 rang\x0e at\x1b[31m noon\x7f today\x9b."])
    _build(ws, cli)
    folder = ws / "audio" / DAY
    for path in [ws / "scripts" / f"{DAY}.md", *folder.glob("briefing-*.[vsmj]*"),
                 folder / "chapters.json"]:
        if path.suffix == ".mp3":
            continue
        text = path.read_text(encoding="utf-8")
        bad = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0]
        assert bad == [], (path.name, bad)
    assert "Bells rang at[31m noon today." in (folder / f"briefing-{DAY}.vtt").read_text()


def test_transcripts_and_playlist_hold_no_control_characters_nor_extra_lines() -> None:
    import srt

    from briefing.publish.outputs import _playlist
    from briefing.publish.transcripts import Cue, subrip, webvtt
    from briefing.text.markup import plain

    hostile = "Bells\x07\x1b[0m rang.\n\n2\n00:00:00,000 --> 00:00:09,000\n#EXTINF:1,x\r\x85"
    cues = [Cue(0, 1000, hostile, hostile, 0), Cue(1000, 2000, "Second.", None, 0)]
    vtt, srt_text = webvtt(cues, hostile), subrip(cues)
    folder = Path("/x")
    m3u8 = _playlist(hostile, [(hostile, folder / "chapters" / "01-a.mp3")], [1000.0], folder)
    for text in (vtt, srt_text, m3u8):
        assert not [c for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) < 0xa0]
    assert vtt.count(" --> ") == 2
    parsed = list(srt.parse(srt_text))
    # the cue text (after the chapter line) is the sentence, broken into short lines
    assert [" ".join(s.content.splitlines()[1 if s.content.startswith("[") else 0 :])
            for s in parsed] == [plain(hostile), "Second."]
    assert m3u8.splitlines()[2].startswith("#EXTINF:1.000,Bells") and len(m3u8.splitlines()) == 4
