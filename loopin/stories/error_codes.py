"""Error codes of stories."""

from loopin.core.error_codes import ErrorCode


class StoryErrorCode(ErrorCode):
    STORY_NOT_FOUND = "STORY_NOT_FOUND", 404, "No live story with this id that you may see."
    NOT_STORY_AUTHOR = "NOT_STORY_AUTHOR", 403, "Only the story's author can do this."
    OWN_STORY = "OWN_STORY", 400, "You cannot reply to your own story."
