"""Who can do what to whom in a room: the one table the services consult (docs/ROOMS.md prints it).

`ACTIONS[action][actor's role]` is the set of target roles the actor may do `action` to. Actions a person
does to themselves (raise or lower their hand, step down to the audience, unmute, leave) are in `SELF`.
"""

from __future__ import annotations

from loopin.rooms.models import Role

H, M, S, A = Role.HOST, Role.MODERATOR, Role.SPEAKER, Role.AUDIENCE

ACTIONS: dict[str, dict[str, frozenset[str]]] = {
    # audience → speaker (usually after a raised hand)
    "invite_to_stage": {H: frozenset({A}), M: frozenset({A})},
    # speaker (or moderator) → audience
    "move_to_audience": {H: frozenset({M, S}), M: frozenset({S})},
    # → moderator
    "make_moderator": {H: frozenset({S, A})},
    # → host: a co-host (the room ends only when the last host leaves)
    "make_host": {H: frozenset({M, S, A})},
    # mute someone's microphone (they may unmute themselves)
    "mute": {H: frozenset({M, S}), M: frozenset({S})},
    # lower someone else's raised hand
    "lower_hand": {H: frozenset({A}), M: frozenset({A})},
    # out of the room (they may come back) / out for good
    "remove": {H: frozenset({M, S, A}), M: frozenset({S, A})},
    "ban": {H: frozenset({M, S, A}), M: frozenset({S, A})},
}

# What anyone in the room may do to themselves, by their role.
SELF: dict[str, frozenset[str]] = {
    "raise_hand": frozenset({A}),
    "lower_hand": frozenset({A}),
    "step_down": frozenset({M, S}),  # to the audience; a host hands over first (transfer_host)
    "mute": frozenset({H, M, S}),
    "unmute": frozenset({H, M, S}),
    "leave": frozenset({H, M, S, A}),
}

# Room-wide actions and the roles that may take them.
ROOM: dict[str, frozenset[str]] = {
    "transfer_host": frozenset({H}),  # the caller becomes a speaker; the target a host
    "end": frozenset({H}),
}

# The role each role-changing action gives the target.
ROLE_AFTER: dict[str, str] = {
    "invite_to_stage": S,
    "move_to_audience": A,
    "make_moderator": M,
    "make_host": H,
    "step_down": A,
}


def may(action: str, *, actor: str, target: str) -> bool:
    """May someone with role `actor` do `action` to someone with role `target`?"""
    return target in ACTIONS.get(action, {}).get(actor, frozenset())


def may_self(action: str, *, role: str) -> bool:
    return role in SELF.get(action, frozenset())


def may_room(action: str, *, role: str) -> bool:
    return role in ROOM.get(action, frozenset())


def can_publish(role: str) -> bool:
    """On stage: LiveKit lets them publish their microphone."""
    return role in (H, M, S)


def is_admin(role: str) -> bool:
    """LiveKit's room_admin grant: hosts and moderators."""
    return role in (H, M)
