"""Shared fixtures live in loopin.testing.fixtures; test settings in loopin.config.test_settings."""

pytest_plugins = ["loopin.testing.fixtures"]
