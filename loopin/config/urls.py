from django.contrib import admin
from django.urls import path

admin.site.site_header = "Loopin operations"
admin.site.site_title = "Loopin admin"
admin.site.index_title = "Operations"

urlpatterns = [path("admin/", admin.site.urls)]
