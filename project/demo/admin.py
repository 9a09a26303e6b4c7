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
