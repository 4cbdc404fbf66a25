"""Public pages: thin Django views, each one selector call and one template.

Routed from the one ASGI app (see `loopin.web.routes`): share paths `/<cc>/<city>/events/<slug>--<id>`,
`/e/<id>`, `/hosts/<id>`, `/organisations/<id>`, `/invite/<token>`, `/sitemap.xml`, `/robots.txt`, `/.well-known/...`.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.http import require_safe

from loopin.core.errors import NotFound
from loopin.core.links import absolute_url
from loopin.core.settings import get_settings
from loopin.events.selectors import share_path_parse
from loopin.web import present, selectors
from loopin.web.preview import preview_jpeg

conditional = decorator_from_middleware(ConditionalGetMiddleware)  # ETag + 304 for repeat visits


def _cacheable(response: HttpResponse, seconds: int | None = None) -> HttpResponse:
    patch_cache_control(
        response, public=True, max_age=get_settings().PUBLIC_PAGE_CACHE_SECONDS if seconds is None else seconds
    )
    return response


def _not_found(request: HttpRequest, what: str) -> HttpResponse:
    response = render(request, "web/not_found.html", {"what": what}, status=404)
    response["X-Robots-Tag"] = "noindex"
    return _cacheable(response)


def _event_response(request: HttpRequest, page: selectors.EventPage) -> HttpResponse:
    if page.state == selectors.DELETED:
        response = render(request, "web/gone.html", {"page": page}, status=410)
        response["X-Robots-Tag"] = "noindex"
        return _cacheable(response)
    response = render(request, "web/event.html", present.event_context(page))
    if page.state not in (selectors.OPEN, selectors.POSTPONED):
        response["X-Robots-Tag"] = "noindex"
    return _cacheable(response)


@require_safe
@conditional
def event_share(request: HttpRequest, country: str, city: str, tail: str) -> HttpResponse:
    """An event's share page; an old slug or city answers 301 to the current share path."""
    canonical_id = share_path_parse(tail)
    if canonical_id is None:
        return _not_found(request, "event")
    try:
        page = selectors.event_page(canonical_id=canonical_id)
    except NotFound:
        return _not_found(request, "event")
    if request.path.rstrip("/") != page.share_path:
        query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
        return HttpResponsePermanentRedirect(page.share_path + query)
    return _event_response(request, page)


@require_safe
def event_short(request: HttpRequest, canonical_id: str) -> HttpResponse:
    """/e/<id>: the short link; 302 to the share path (which changes with the title), or its gone/404 page."""
    try:
        page = selectors.event_page(canonical_id=canonical_id)
    except NotFound:
        return _not_found(request, "event")
    if page.state == selectors.DELETED:
        return _event_response(request, page)
    return HttpResponseRedirect(page.share_path)


@require_safe
@conditional
def event_preview(request: HttpRequest, canonical_id: str) -> HttpResponse:
    """The 1200x630 picture link previews show (og:image / twitter:image)."""
    try:
        page = selectors.event_page(canonical_id=canonical_id)
    except NotFound:
        return _not_found(request, "event")
    context = present.event_context(page)
    lines = [context["when"]["day"], context["when"]["time"], context["place"]] if "when" in context else []
    lines = [line.replace("–", "-") for line in lines]  # the picture's font has no en dash
    cover = selectors.preview_cover_file(page=page)
    response = HttpResponse(preview_jpeg(title=context["og"]["title"], lines=lines, cover_file=cover), "image/jpeg")
    return _cacheable(response, 600)


@require_safe
@conditional
def host(request: HttpRequest, host_id: uuid.UUID) -> HttpResponse:
    """A host's page: who they are and their upcoming public events."""
    try:
        page = selectors.host_page(host_id=host_id)
    except NotFound:
        return _not_found(request, "host")
    cards = [
        {**dict(c), "when": present.when(c.start_at, c.end_at), "price_text": present.money(c.price, c.currency)}
        for c in page.events
    ]
    context = {"host": page.host, "cards": cards, "total": page.total, "canonical_url": absolute_url(page.host["path"])}
    return _cacheable(render(request, "web/host.html", context))


@require_safe
@conditional
def organisation(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """An organisation's page: who it is and its upcoming public events."""
    try:
        page = selectors.organisation_page(organisation_id=organisation_id)
    except NotFound:
        return _not_found(request, "organisation")
    cards = [
        {**dict(c), "when": present.when(c.start_at, c.end_at), "price_text": present.money(c.price, c.currency)}
        for c in page.events
    ]
    context = {
        "organisation": page.host,
        "cards": cards,
        "total": page.total,
        "canonical_url": absolute_url(page.host["path"]),
    }
    return _cacheable(render(request, "web/organisation.html", context))


@require_safe
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """An invite link's landing: the event, and how to accept in the app (the link is the key, so no caching)."""
    page = selectors.invite_page(token=token)
    context = {
        "invite": page,
        "invite_url": absolute_url(f"/invite/{page.token}"),
        "app_href": present.app_link(f"/invite/{page.token}"),
        "stores": present.stores(),
    }
    if page.event_page is not None:
        context.update(present.event_context(page.event_page))
    response = render(request, "web/invite.html", context, status=200 if page.state != "invalid" else 404)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not travel to the map or store links
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """sitemap.xml: public upcoming events and their hosts' pages."""
    entries = [{"loc": absolute_url(e["path"]), "lastmod": e["lastmod"]} for e in selectors.sitemap_entries()]
    response = render(request, "web/sitemap.xml", {"entries": entries}, content_type="application/xml")
    return _cacheable(response, 3600)


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """robots.txt: pages open to crawlers; the API, admin and invite links are not."""
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /django/",
        "Disallow: /invite/",
        "Allow: /",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
        "",
    ]
    return _cacheable(HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"), 3600)


@require_safe
def assetlinks(request: HttpRequest) -> HttpResponse:
    """Android App Links: share URLs open the app whose package and signing certificate are configured."""
    s = get_settings()
    statements = []
    if s.ANDROID_APP_PACKAGE and s.ANDROID_CERT_FINGERPRINTS:
        statements.append(
            {
                "relation": ["delegate_permission/common.handle_all_urls"],
                "target": {
                    "namespace": "android_app",
                    "package_name": s.ANDROID_APP_PACKAGE,
                    "sha256_cert_fingerprints": s.ANDROID_CERT_FINGERPRINTS,
                },
            }
        )
    return _cacheable(JsonResponse(statements, safe=False), 3600)


APP_PATHS = ["/e/*", "/invite/*", "/hosts/*", "/*/*/events/*"]


@require_safe
def apple_app_site_association(request: HttpRequest) -> HttpResponse:
    """iOS Universal Links: which apps open which paths (served as JSON, no extension, no redirect)."""
    ids = get_settings().IOS_APP_IDS
    details = [{"appIDs": ids, "components": [{"/": p} for p in APP_PATHS]}] if ids else []
    return _cacheable(JsonResponse({"applinks": {"details": details}}), 3600)
