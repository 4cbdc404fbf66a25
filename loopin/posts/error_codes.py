"""Error codes of posts: posts, likes and comments."""

from loopin.core.error_codes import ErrorCode


class PostErrorCode(ErrorCode):
    POST_NOT_FOUND = "POST_NOT_FOUND", 404, "No post with this id that you may see."
    NOT_POST_AUTHOR = "NOT_POST_AUTHOR", 403, "Only the post's author can do this."
    EDIT_WINDOW_CLOSED = "EDIT_WINDOW_CLOSED", 400, "A post's text can be edited for 15 minutes after posting."
    COMMENT_NOT_FOUND = "COMMENT_NOT_FOUND", 404, "No comment with this id on this post."
    NOT_COMMENT_AUTHOR = "NOT_COMMENT_AUTHOR", 403, "Only the comment's author or the post's author can remove it."
    SHARE_FRIENDS_ONLY = "SHARE_FRIENDS_ONLY", 403, "Posts are shared in chat with friends only."
    NOT_VISIBLE_TO_RECIPIENT = (
        "NOT_VISIBLE_TO_RECIPIENT",
        403,
        "The person you share with may not see this post (its audience); sharing never widens it.",
    )
