"""Every admin page renders for staff: each model's list (with its filters and search) and change page."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from loopin.config.demo import demo_load
from loopin.testing.fixtures import superuser_client


@pytest.fixture
def staff_client(db):
    demo_load()  # some rows in every main table
    return superuser_client()[0]


def test_every_changelist_and_change_page_renders(staff_client):
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        r = staff_client.get(url)
        assert r.status_code == 200, url
        if model_admin.search_fields:
            assert staff_client.get(url, {"q": "a"}).status_code == 200, url
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert staff_client.get(change).status_code == 200, change
