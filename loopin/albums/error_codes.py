"""Error codes of event albums."""

from loopin.core.error_codes import ErrorCode


class AlbumErrorCode(ErrorCode):
    ALBUM_NOT_FOUND = "ALBUM_NOT_FOUND", 404, "No album you may see for this event."
    NOT_CHECKED_IN = "NOT_CHECKED_IN", 403, "Only the host and attendees who were checked in can add photos."
    PHOTO_NOT_FOUND = "PHOTO_NOT_FOUND", 404, "No such photo in this album."
    NOT_PHOTO_OWNER = "NOT_PHOTO_OWNER", 403, "Only the host or the photo's author can remove it."
