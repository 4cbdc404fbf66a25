"""The local S3 server fixtures for the media tests."""

from loopin.testing.s3 import s3_server, s3_storage  # noqa: F401
