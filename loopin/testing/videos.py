"""Real video files for tests, written with PyAV: coloured frames, a tone, and phone-style metadata."""

from __future__ import annotations

import array
import math
import tempfile
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

LOCATION = "+12.9716+077.5946/"  # what iPhones write into a clip's container metadata


def make_video(
    *,
    seconds: float = 1.0,
    size: tuple[int, int] = (160, 96),
    fps: int = 10,
    fmt: str = "mp4",
    video_codec: str = "libx264",
    audio_codec: str | None = "aac",
    metadata: bool = True,
) -> bytes:
    """A clip whose frames go from red to blue, with a 440 Hz tone, as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / f"clip.{fmt}")
        with av.open(path, "w", format=fmt) as out:
            if metadata:
                out.metadata.update({"location": LOCATION, "com.apple.quicktime.make": "LoopinTestCam"})
            video = out.add_stream(video_codec, rate=fps)
            video.width, video.height = size
            video.pix_fmt = "yuv420p"
            audio = out.add_stream(audio_codec, rate=44100, layout="mono") if audio_codec else None
            frames = int(seconds * fps)
            for i in range(frames):
                shade = int(255 * i / max(1, frames - 1))
                image = Image.new("RGB", size, (255 - shade, 40, shade))
                out.mux(video.encode(av.VideoFrame.from_image(image)))
            out.mux(video.encode(None))
            if audio is not None:
                samples_per_frame = 1024
                total = int(seconds * 44100)
                fmt_name = audio.codec_context.format.name
                for start in range(0, total, samples_per_frame):
                    count = min(samples_per_frame, total - start)
                    frame = av.AudioFrame(format=fmt_name, layout="mono", samples=count)
                    values = [math.sin(2 * math.pi * 440 * (start + n) / 44100) for n in range(count)]
                    _fill(frame, values, fmt_name)
                    frame.sample_rate = 44100
                    frame.pts = start
                    frame.time_base = Fraction(1, 44100)
                    out.mux(audio.encode(frame))
                out.mux(audio.encode(None))
        return Path(path).read_bytes()


def _fill(frame: av.AudioFrame, values: list[float], fmt_name: str) -> None:

    if fmt_name.startswith("flt"):
        data = array.array("f", values)
    else:
        data = array.array("h", [int(v * 32000) for v in values])
    frame.planes[0].update(data.tobytes())
