"""The existing mobile app's dialect (`/api/...`, CLIENT.md): integer ids, its field names, nesting and flows.

A thin adapter over the same services and selectors as the designed API (`/api/v2`): it renames and
reshapes, and holds no business rule. One day it is deleted whole and nothing else changes.
"""
