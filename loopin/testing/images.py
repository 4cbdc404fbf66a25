"""Real pictures for tests, made with Pillow: a phone photo with GPS and camera EXIF, polyglots, bombs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms

# Where the test photo claims to have been taken (Bengaluru) and with what.
GPS_LATITUDE = (12.0, 58.0, 13.5)
GPS_LONGITUDE = (77.0, 35.0, 40.25)
CAMERA_MAKE = "LoopinTestCam"
CAMERA_SERIAL = "SN-8675309"


def phone_photo(size: tuple[int, int] = (120, 80), *, orientation: int = 6, fmt: str = "JPEG") -> bytes:
    """A photo as a phone writes it: left half red, right half blue as stored, EXIF orientation (6: the
    viewer turns it 90° clockwise), make/model/serial, a GPS position, an ICC profile and a comment."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = "Model 7"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Software] = "LoopinTestCam 1.0"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = CAMERA_SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    extra = {"comment": b"taken at home"} if fmt == "JPEG" else {}
    image.save(buffer, format=fmt, exif=exif.tobytes(), icc_profile=icc, **extra)
    return buffer.getvalue()


def exif_gps(content: bytes) -> dict:
    """The GPS IFD Pillow reads from an encoded picture ({} when there is none)."""
    with Image.open(io.BytesIO(content)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def plain_image(
    fmt: str = "PNG", size: tuple[int, int] = (64, 64), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_with_html() -> bytes:
    """A valid PNG with an HTML page appended: a browser that sniffs would run the script."""
    return plain_image("PNG") + HTML_PAYLOAD


def pixel_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG of a few dozen bytes whose header claims width x height pixels (2.5 gigapixels by default)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
