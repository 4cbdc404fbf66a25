"""The web face: server-rendered public pages at the share paths the API hands out, and app links."""
