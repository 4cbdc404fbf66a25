"""Writes for chat, by sub-domain: messages (send, edit, react, receipts), conversations (1:1, requests,
mute, leave), groups (event chats and their moderation)."""
