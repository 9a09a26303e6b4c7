from django.urls import include, path

from benchmarks.bench_app.views import PlainView

urlpatterns = [
    path("plain/<str:id>", PlainView.as_view()),
    path("", include("services_api.urls")),
]
