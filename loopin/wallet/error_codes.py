"""Error codes of Apple Wallet passes and their web service."""

from loopin.core.error_codes import ErrorCode


class WalletErrorCode(ErrorCode):
    WALLET_NOT_CONFIGURED = (
        "WALLET_NOT_CONFIGURED",
        503,
        "Apple Wallet passes are not set up on this server (pass type, team, certificates).",
    )
    WALLET_PASS_UNAUTHORIZED = (
        "WALLET_PASS_UNAUTHORIZED",
        401,
        "The pass web service call carried no `ApplePass` token, or not this pass's.",
    )
    WALLET_BAD_UPDATE_TAG = "WALLET_BAD_UPDATE_TAG", 400, "`passesUpdatedSince` is not a tag this service gave."
