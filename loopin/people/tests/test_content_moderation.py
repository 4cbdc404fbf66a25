"""Reports about posts, comments, stories and album photos go into the moderation queue; a takedown removes the
content through its package (media erased), tells the author, and repeated takedowns suspend posting."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from loopin.accounts.erasure import account_export
from loopin.accounts.models import User
from loopin.albums.models import AlbumPhoto
from loopin.albums.services import album_add, album_set_public
from loopin.audit.models import AuditEntry
from loopin.core.errors import BusinessRuleError, Conflict, PermissionDenied
from loopin.media.models import Media
from loopin.media.services import media_upload
from loopin.notifications.models import Notification
from loopin.people.models import PostingSuspension, Report, ReportAction, ReportStatus, Takedown
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.people.services.reports import report_create, report_take_down
from loopin.posts.models import Comment, Post
from loopin.posts.services import comment_add, post_create
from loopin.stories.models import Story
from loopin.stories.services import story_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import admin_action, superuser_client, token_for


@pytest.fixture
def people(api):
    return [UserWithProfileFactory() for _ in range(4)]


def _befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def _image(owner, colour=(200, 100, 50)):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    buffer.seek(0)
    return media_upload(owner=owner, handle=buffer, content_type="image/jpeg")


def _report(api, user, **body):
    return api.post("/api/v2/reports", headers=token_for(user), json={"category": "harassment", **body})


def _album_photo(author, *, public=True):
    event = PublishedEventFactory(host=author)
    if public:
        album_set_public(host=author, event_id=event.id, is_public=True)
    (photo,) = album_add(author=author, event_id=event.id, media_ids=[_image(author).id])
    return photo


def _staff_with(*codenames):
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="people", codename__in=codenames))
    return User.objects.get(id=staff.id)  # a fresh instance: no cached permissions


# ---------------------------------------------------------------- reporting


def test_a_post_is_reported_by_its_id_and_its_author_is_the_subject(api, people):
    author, reader = people[0], people[1]
    post = post_create(author=author, text="buy followers at spam.example", media_ids=[])
    r = _report(api, reader, target_type="post", target_id=str(post.id), note="spam links")
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["target_type"], data["status"], data["category"]) == ("post", "open", "harassment")
    report = Report.objects.get(id=data["id"])
    assert (report.reporter_id, report.subject_id, report.target_id) == (reader.id, author.id, str(post.id))
    again = _report(api, reader, target_type="post", target_id=str(post.id))
    assert (again.status_code, again.json()["error_code"]) == (409, "REPORT_EXISTS")


def test_only_content_the_reporter_can_see_is_reported(api, people):
    author, friend, stranger = people[0], people[1], people[2]
    _befriend(author, friend)
    secret = post_create(author=author, text="friends only", media_ids=[], visibility="friends")
    assert _report(api, friend, target_type="post", target_id=str(secret.id)).status_code == 201
    r = _report(api, stranger, target_type="post", target_id=str(secret.id))
    assert (r.status_code, r.json()["error_code"]) == (404, "POST_NOT_FOUND")
    r = _report(api, stranger, target_type="post", target_id="not-a-uuid")
    assert (r.status_code, r.json()["details"]["fields"][0]["code"]) == (422, "INVALID_TARGET_ID")
    public = post_create(author=author, text="public", media_ids=[])
    r = _report(api, stranger, target_type="post", target_id=str(public.id), user_id=str(friend.id))
    assert (r.status_code, r.json()["details"]["fields"][0]["code"]) == (422, "NOT_THE_AUTHOR")
    r = _report(api, author, target_type="post", target_id=str(public.id))
    assert (r.status_code, r.json()["error_code"]) == (400, "SELF")
    r = _report(api, stranger)  # a person, but nobody named
    assert (r.status_code, r.json()["details"]["fields"][0]["field"]) == (422, "user_id")
    assert Report.objects.count() == 1


def test_comments_stories_and_album_photos_are_reported(api, people):
    author, reader, stranger = people[0], people[1], people[2]
    _befriend(author, reader)
    post = post_create(author=reader, text="my day", media_ids=[])
    comment = comment_add(author=author, post_id=post.id, text="a rude comment")
    story = story_create(author=author, media_id=_image(author).id, audience="friends")
    photo = _album_photo(author)
    for target_type, target in (("comment", comment), ("story", story), ("album_photo", photo)):
        r = _report(api, reader, target_type=target_type, target_id=str(target.id))
        assert r.status_code == 201, r.text
    assert sorted(Report.objects.filter(subject=author).values_list("target_type", flat=True)) == [
        "album_photo",
        "comment",
        "story",
    ]
    r = _report(api, stranger, target_type="story", target_id=str(story.id))  # a friends-only story
    assert (r.status_code, r.json()["error_code"]) == (404, "STORY_NOT_FOUND")
    private = _album_photo(author, public=False)
    r = _report(api, stranger, target_type="album_photo", target_id=str(private.id))
    assert (r.status_code, r.json()["error_code"]) == (404, "ALBUM_NOT_FOUND")


# ---------------------------------------------------------------- taking down


def test_taking_a_post_down_erases_its_media_tells_the_author_and_closes_every_report_on_it(api, people):
    author, reader, other = people[0], people[1], people[2]
    media = _image(author)
    files = media.file_names()
    post = post_create(author=author, text="hateful words", media_ids=[media.id])
    first = report_create(
        user=reader, subject_id=None, category="harassment", target_type="post", target_id=str(post.id)
    )
    second = report_create(user=other, subject_id=None, category="spam", target_type="post", target_id=str(post.id))
    client, staff = superuser_client()
    page = client.get(f"/admin/people/report/{first.id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "hateful words" in html and default_storage.url(media.variants["640"]["name"]) in html

    admin_action(client, "/admin/people/report/", "take_down", [first.id])

    assert Post.objects.get(id=post.id).deleted_at is not None
    assert not Media.objects.filter(id=media.id).exists()
    assert [default_storage.exists(name) for name in files] == [False] * len(files)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.action, first.decided_by_id) == (
        ReportStatus.ACTIONED,
        ReportAction.TAKEN_DOWN,
        staff.id,
    )
    assert (second.status, second.action, second.decision_note) == (
        ReportStatus.ACTIONED,
        ReportAction.TAKEN_DOWN,
        f"Closed with report {first.id}.",
    )
    assert list(Takedown.objects.values_list("subject_id", "target_type", "target_id")) == [
        (author.id, "post", str(post.id))
    ]
    note = Notification.objects.get(user=author)
    assert (note.type, note.title, note.body) == (
        "content.taken_down",
        "We removed your post",
        "Your post was reported (harassment) and broke the community guidelines, so we took it down.",
    )
    assert AuditEntry.objects.filter(actor=staff, action="report.taken_down", object_id=str(first.id)).count() == 1
    r = api.get(f"/api/v2/posts/{post.id}", headers=token_for(reader))
    assert r.status_code == 404
    gone = client.get(f"/admin/people/report/{first.id}/change/").content.decode()
    assert "Post: gone (deleted, expired or taken down)" in gone


def test_taking_a_comment_a_story_and_an_album_photo_down_removes_each(api, people):
    author, reader = people[0], people[1]
    _befriend(author, reader)
    post = post_create(author=reader, text="my day", media_ids=[])
    comment = comment_add(author=author, post_id=post.id, text="rude")
    story = story_create(author=author, media_id=_image(author).id, audience="friends")
    photo = _album_photo(author)
    story_media, photo_media = story.media_id, photo.media_id
    staff = _staff_with("moderate_report", "take_down_content")
    for target_type, target in (("comment", comment), ("story", story), ("album_photo", photo)):
        report = report_create(
            user=reader, subject_id=author.id, category="other", target_type=target_type, target_id=str(target.id)
        )
        report_take_down(report_id=report.id, staff=staff)
    assert Comment.objects.get(id=comment.id).deleted_at is not None
    assert Post.objects.get(id=post.id).comment_count == 0
    assert not Story.objects.filter(id=story.id).exists()
    assert not AlbumPhoto.objects.filter(id=photo.id).exists()
    assert Media.objects.filter(id__in=[story_media, photo_media]).count() == 0
    told = Notification.objects.filter(user=author, type="content.taken_down")
    assert sorted(told.values_list("title", flat=True)) == [
        "We removed your album photo",
        "We removed your comment",
        "We removed your story",
    ]


def test_a_takedown_needs_its_permission_a_content_report_and_content_still_there(api, people):
    author, reader = people[0], people[1]
    post = post_create(author=author, text="x", media_ids=[])
    report = report_create(user=reader, subject_id=None, category="spam", target_type="post", target_id=str(post.id))
    with pytest.raises(PermissionDenied):
        report_take_down(report_id=report.id, staff=_staff_with("moderate_report"))
    staff = _staff_with("moderate_report", "take_down_content")
    about_person = report_create(user=reader, subject_id=author.id, category="spam")
    with pytest.raises(BusinessRuleError) as refused:
        report_take_down(report_id=about_person.id, staff=staff)
    assert refused.value.code == "NOT_CONTENT_REPORT"
    Post.objects.filter(id=post.id).update(deleted_at=timezone.now())  # the author deleted it first
    with pytest.raises(Conflict) as gone:
        report_take_down(report_id=report.id, staff=staff)
    assert gone.value.code == "CONTENT_GONE"
    assert list(Report.objects.values_list("status", flat=True)) == ["open", "open"]
    assert Takedown.objects.count() == 0


# ---------------------------------------------------------------- posting suspension


def _take_down_posts(author, reporter, staff, n):
    for i in range(n):
        post = post_create(author=author, text=f"bad {i}", media_ids=[])
        report = report_create(
            user=reporter, subject_id=None, category="spam", target_type="post", target_id=str(post.id)
        )
        report_take_down(report_id=report.id, staff=staff)


def test_three_takedowns_in_ninety_days_suspend_posting_and_nothing_new_goes_up(api, people, app_settings):
    app_settings.POSTING_SUSPENSION_DAYS = 30
    author, reader = people[0], people[1]
    _befriend(author, reader)
    staff = _staff_with("moderate_report", "take_down_content")
    _take_down_posts(author, reader, staff, 2)
    Takedown.objects.update(created_at=timezone.now() - timedelta(days=91))  # out of the window: they don't count
    _take_down_posts(author, reader, staff, 2)
    assert not PostingSuspension.objects.exists()
    before = timezone.now()
    _take_down_posts(author, reader, staff, 1)
    suspension = PostingSuspension.objects.get(user=author)
    assert timedelta(days=30) <= suspension.until - before <= timedelta(days=30, seconds=5)
    assert suspension.reason == "3 takedowns in 90 days"

    headers = token_for(author)
    refused = [
        api.post("/api/v2/posts", headers=headers, json={"text": "hi"}),
        api.post("/api/v2/stories", headers=headers, json={"media_id": str(_image(author).id)}),
    ]
    post = post_create(author=reader, text="ok", media_ids=[])
    refused.append(api.post(f"/api/v2/posts/{post.id}/comments", headers=headers, json={"text": "hey"}))
    event = PublishedEventFactory(host=author)
    refused.append(
        api.post(f"/api/v2/events/{event.id}/album", headers=headers, json={"media_ids": [str(_image(author).id)]})
    )
    for r in refused:
        assert (r.status_code, r.json()["error_code"]) == (403, "POSTING_SUSPENDED"), r.text
        assert r.json()["details"] == {"until": suspension.until.isoformat()}
    assert Post.objects.filter(author=author, deleted_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=author, type="posting.suspended").count() == 1
    assert AuditEntry.objects.filter(action="posting.suspended", subject=author).count() == 1
    assert api.post("/api/v2/posts", headers=token_for(reader), json={"text": "still fine"}).status_code == 201
    exported = account_export(user=author)["people"]
    assert [t["target_type"] for t in exported["content_taken_down"]] == ["post"] * 5
    assert exported["posting_suspended_until"] == suspension.until.isoformat()


def test_staff_lift_a_posting_suspension_in_the_admin(api, people):
    author, reader = people[0], people[1]
    client, staff = superuser_client()
    _take_down_posts(author, reader, staff, 3)
    assert api.post("/api/v2/posts", headers=token_for(author), json={"text": "x"}).status_code == 403
    admin_action(client, "/admin/people/postingsuspension/", "lift", [author.id])
    assert api.post("/api/v2/posts", headers=token_for(author), json={"text": "back"}).status_code == 201
    assert AuditEntry.objects.filter(actor=staff, action="posting.suspension_lifted", subject=author).count() == 1
