"""Date formats for the admin and templates: times carry their zone's name (staff read IST, not bare UTC)."""

DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
