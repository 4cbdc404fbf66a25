"""django.contrib.admin, with Loopin's site (password + TOTP, dashboards) as `admin.site`."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "loopin.staff.site.LoopinAdminSite"
