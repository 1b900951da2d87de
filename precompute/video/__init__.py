"""The layer forward-pass explainer video: storyboard, renderer, captions.

`python -m precompute.video` renders one recording per site theme (light, dark)
with matplotlib + ffmpeg into ``docs/assets/video/``, plus a poster per theme,
WebVTT captions and a transcript, all from the storyboard in ``storyboard.py``.
Rendering is skipped when the inputs (these files' source + the parameters +
the site palette) hash to the value stored in the manifest.

The recordings are committed, not built: rendering needs ffmpeg (Debian's, with
libx264) and ~30 s, and CI does not render. `mkdocs build`/`serve` only copy the
files; tests/test_video.py fails, naming this command, when the manifest's input
hash no longer matches the renderer, the storyboard or the palette in theme.js.
"""
