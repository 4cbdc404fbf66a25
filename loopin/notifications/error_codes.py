"""Error codes of notifications: the centre, devices, templates and campaigns."""

from loopin.core.error_codes import ErrorCode


class NotificationErrorCode(ErrorCode):
    NOTIFICATION_NOT_FOUND = "NOTIFICATION_NOT_FOUND", 404, "You have no notification with this id."
    DEVICE_NOT_FOUND = "DEVICE_NOT_FOUND", 404, "You have no registered device with this id or token."
    TEMPLATE_NOT_FOUND = "TEMPLATE_NOT_FOUND", 404, "No notification template has this key."
    CAMPAIGN_CLOSED = "CAMPAIGN_CLOSED", 400, "The campaign was already sent or cancelled."
