"""The public pages' URLs (at the site's root; `loopin.web.routes` hands these paths to Django)."""

from django.urls import path, re_path

from loopin.web import views

urlpatterns = [
    re_path(
        r"^(?P<country>[a-z]{2})/(?P<city>[\w-]{1,120})/events/(?P<tail>[\w-]{1,260})/?$",
        views.event_share,
        name="event",
    ),
    re_path(r"^e/(?P<canonical_id>[A-Za-z0-9]{1,12})/preview\.jpg$", views.event_preview, name="event-preview"),
    re_path(r"^e/(?P<canonical_id>[A-Za-z0-9]{1,12})/?$", views.event_short, name="event-short"),
    path("hosts/<uuid:host_id>", views.host, name="host"),
    path("organisations/<uuid:organisation_id>", views.organisation, name="organisation"),
    re_path(r"^invite/(?P<token>[A-Za-z0-9_-]{1,64})/?$", views.invite, name="invite"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path(".well-known/assetlinks.json", views.assetlinks, name="assetlinks"),
    path(".well-known/apple-app-site-association", views.apple_app_site_association, name="aasa"),
]
