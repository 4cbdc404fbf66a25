"""Videos through FFmpeg's libraries (PyAV): probe, poster frame, and a clean MP4 (H.264/AAC, no metadata).

A clip that already is H.264 (+ AAC or no sound) is remuxed stream-for-stream (fast, no quality loss);
anything else is transcoded. Neither copies container or stream metadata (GPS `location`, device names,
creation times): PyAV writes only what we set."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from PIL import Image

from loopin.core.errors import ValidationFailed
from loopin.core.lazy import lazy_module

MP4_CONTAINERS = {"mov", "mp4", "m4a", "3gp", "3g2", "mj2"}
MAX_EDGE = 1080  # transcoded video is at most 1080 px on its long edge
if TYPE_CHECKING:
    import av
else:
    av = lazy_module("av")  # FFmpeg's libraries: loaded by the first video (loopin.core.lazy)


def _av_errors() -> tuple[type[BaseException], ...]:
    """What a broken or hostile file makes PyAV raise (read when one is raised, so av loads only for videos)."""
    return (av.error.FFmpegError, ValueError, TypeError, IndexError, OSError, StopIteration, ZeroDivisionError)


@dataclass(frozen=True)
class Probe:
    container: str
    video_codec: str
    audio_codec: str | None
    width: int
    height: int
    duration_ms: int
    rotation: int

    @property
    def needs_transcode(self) -> bool:
        mp4 = bool(MP4_CONTAINERS & set(self.container.split(",")))
        return not (mp4 and self.video_codec == "h264" and self.audio_codec in (None, "aac"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "container": self.container,
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
            "width": self.width,
            "height": self.height,
            "duration_ms": self.duration_ms,
            "rotation": self.rotation,
        }


def _invalid(message: str = "The file is not a readable video.") -> ValidationFailed:
    return ValidationFailed.one("file", "INVALID_VIDEO", message)


def video_probe(path: str) -> Probe:
    """What the file is; ValidationFailed(INVALID_VIDEO) when FFmpeg can't read a video stream from it."""
    try:
        with av.open(path, metadata_errors="ignore") as container:
            if not container.streams.video:
                raise _invalid("The file has no video track.")
            video = container.streams.video[0]
            audio = container.streams.audio[0] if container.streams.audio else None
            if container.duration is not None:
                duration_ms = int(container.duration * 1000 / av.time_base)
            elif video.duration is not None and video.time_base is not None:
                duration_ms = int(video.duration * video.time_base * 1000)
            else:
                duration_ms = 0
            width, height = video.codec_context.width, video.codec_context.height
            rotation = 0
            for frame in container.decode(video=0):
                rotation = int(getattr(frame, "rotation", 0) or 0) % 360
                break
            else:
                raise _invalid("The video has no frames.")
            if not width or not height:
                raise _invalid()
            return Probe(
                container=container.format.name,
                video_codec=video.codec_context.name,
                audio_codec=audio.codec_context.name if audio else None,
                width=width,
                height=height,
                duration_ms=duration_ms,
                rotation=rotation,
            )
    except ValidationFailed:
        raise
    except _av_errors():
        raise _invalid() from None


def video_poster(path: str, rotation: int = 0) -> Image.Image:
    """The first frame as a picture (turned as the phone meant it), for the poster and its blurhash."""
    try:
        with av.open(path, metadata_errors="ignore") as container:
            frame = next(container.decode(video=0))
            image = frame.to_image()
    except _av_errors():
        raise _invalid() from None
    return _rotate(image, rotation)


def _rotate(image: Image.Image, rotation: int) -> Image.Image:
    # FFmpeg's display-matrix rotation is counter-clockwise degrees; PIL's rotate is too.
    return image.rotate(rotation, expand=True) if rotation % 360 else image


def video_remux(source: str, target: str) -> None:
    """Copy the H.264/AAC streams into a fresh MP4 (moov first, so phones start playing at once)."""
    try:
        with (
            av.open(source, metadata_errors="ignore") as inp,
            av.open(target, "w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            mapping = {}
            streams = [inp.streams.video[0], *inp.streams.audio[:1]]
            for stream in streams:
                mapping[stream.index] = out.add_stream_from_template(stream)
                mapping[stream.index].metadata.clear()
            for packet in inp.demux(streams):
                if packet.dts is None:
                    continue
                packet.stream = mapping[packet.stream.index]
                out.mux(packet)
    except _av_errors():
        raise _invalid() from None


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def video_transcode(source: str, target: str, probe: Probe) -> tuple[int, int]:
    """Re-encode to H.264 (yuv420p, CRF 23, <= 1080 px) and AAC into an MP4; returns the output size."""
    scale = min(1.0, MAX_EDGE / max(probe.width, probe.height))
    width, height = _even(probe.width * scale), _even(probe.height * scale)
    try:
        with (
            av.open(source, metadata_errors="ignore") as inp,
            av.open(target, "w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            in_video = inp.streams.video[0]
            rate = in_video.average_rate or Fraction(30, 1)
            if rate > 60:
                rate = Fraction(30, 1)
            out_video = out.add_stream("libx264", rate=rate, options={"crf": "23", "preset": "veryfast"})
            out_video.width, out_video.height, out_video.pix_fmt = width, height, "yuv420p"
            in_audio = inp.streams.audio[0] if inp.streams.audio else None
            out_audio = out.add_stream("aac", rate=44100, layout="stereo") if in_audio else None
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=44100) if in_audio else None
            streams = [in_video, *([in_audio] if in_audio else [])]
            for packet in inp.demux(streams):
                for frame in packet.decode():
                    if packet.stream.type == "video":
                        frame = frame.reformat(width=width, height=height, format="yuv420p")
                        frame.pts = None
                        out.mux(out_video.encode(frame))
                    elif out_audio is not None and resampler is not None:
                        frame.pts = None
                        for resampled in resampler.resample(frame):
                            out.mux(out_audio.encode(resampled))
            out.mux(out_video.encode(None))
            if out_audio is not None:
                out.mux(out_audio.encode(None))
    except _av_errors():
        raise _invalid() from None
    return width, height
