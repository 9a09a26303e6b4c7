from django.contrib import admin

from .models import Article, Comment, Profile, Tag, Vocabulary


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "status", "author", "created")
    list_filter = ("status", "sticky")
    search_fields = ("title",)
    raw_id_fields = ("author",)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "subject", "article", "author", "created")
    raw_id_fields = ("article", "author")


admin.site.register(Tag)
admin.site.register(Vocabulary)
admin.site.register(Profile)


# Warmshowers-style and CiviCRM-style demo data.
from .models import (  # noqa: E402
    Contact,
    Feedback,
    HostProfile,
    Message,
    MessageThread,
    ThreadParticipant,
)


@admin.register(HostProfile)
class HostProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "fullname", "city", "country", "latitude", "longitude")
    list_filter = ("notcurrentlyavailable", "country")
    search_fields = ("user__username", "fullname", "city")
    raw_id_fields = ("user",)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "recipient", "rating", "guest_or_host", "created")
    list_filter = ("rating", "guest_or_host")
    raw_id_fields = ("author", "recipient")


class MessageInline(admin.TabularInline):
    model = Message
    raw_id_fields = ("author",)
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = ThreadParticipant
    raw_id_fields = ("user",)
    extra = 0


@admin.register(MessageThread)
class MessageThreadAdmin(admin.ModelAdmin):
    list_display = ("id", "subject", "created")
    search_fields = ("subject",)
    inlines = [ParticipantInline, MessageInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("id", "contact_type", "first_name", "last_name", "email", "city", "country")
    list_filter = ("contact_type",)
    search_fields = ("first_name", "last_name", "email")


from .models import ArticleImage, File  # noqa: E402


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = ("fid", "filename", "uri", "filesize", "status", "uid")
    raw_id_fields = ("uid",)


admin.site.register(ArticleImage)
