"""Error codes of media: uploads (direct to storage or through the API) and their use in posts and stories."""

from loopin.core.error_codes import ErrorCode


class MediaErrorCode(ErrorCode):
    MEDIA_NOT_FOUND = "MEDIA_NOT_FOUND", 404, "You have no upload with this id."
    UPLOAD_MISSING = "UPLOAD_MISSING", 409, "The file has not arrived in storage yet: upload it, then confirm."
    MEDIA_IN_USE = "MEDIA_IN_USE", 409, "The upload is used by a post or story; delete that instead."
    DIRECT_UPLOAD_UNAVAILABLE = (
        "DIRECT_UPLOAD_UNAVAILABLE",
        409,
        "Direct uploads need S3 storage, which this server does not use: send the file to POST /api/v2/media.",
    )
