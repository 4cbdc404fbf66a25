"""Shared fixtures live in loopin.testing.fixtures (the payment providers' stand-in: loopin.testing.providers);
test settings in loopin.config.test_settings."""

pytest_plugins = ["loopin.testing.fixtures", "loopin.testing.providers"]
