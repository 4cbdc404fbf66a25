"""Error codes of host organisations."""

from loopin.core.error_codes import ErrorCode


class OrganisationErrorCode(ErrorCode):
    ORGANISATION_NOT_FOUND = "ORGANISATION_NOT_FOUND", 404, "No such organisation, or you are not a member of it."
    ORGANISATION_ROLE_TOO_SMALL = (
        "ORGANISATION_ROLE_TOO_SMALL", 403, "Your role in this organisation does not allow this.",
    )  # fmt: skip
    ORGANISATION_HANDLE_TAKEN = "ORGANISATION_HANDLE_TAKEN", 409, "This handle is taken."
    ORGANISATION_MEMBER_NOT_FOUND = "ORGANISATION_MEMBER_NOT_FOUND", 404, "This person is not a member."
    ORGANISATION_MEMBER_EXISTS = (
        "ORGANISATION_MEMBER_EXISTS", 409, "This person is a member already, or invited.",
    )  # fmt: skip
    ORGANISATION_INVITATION_NOT_FOUND = (
        "ORGANISATION_INVITATION_NOT_FOUND", 404, "You have no open invitation to this organisation.",
    )  # fmt: skip
    ORGANISATION_OWNER_STAYS = (
        "ORGANISATION_OWNER_STAYS", 400,
        "The owner cannot leave, be removed or change role; transfer ownership first.",
    )  # fmt: skip
    ORGANISATION_OWNER_BY_TRANSFER = (
        "ORGANISATION_OWNER_BY_TRANSFER", 400, "Make someone the owner by transferring ownership.",
    )  # fmt: skip
    ALREADY_IN_ORGANISATION = (
        "ALREADY_IN_ORGANISATION", 409,
        "This event or venue belongs to an organisation already; only a personal one moves into one, once.",
    )  # fmt: skip
