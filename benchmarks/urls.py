from django.urls import include, path

from benchmarks.bench_app import views

urlpatterns = [
    path("plain/<str:id>", views.PlainView.as_view()),
    # Baselines of the entity suite (same rows and shape as /api/entity_article...).
    path("baseline/raw/articles", views.raw_index),
    path("baseline/raw/articles/<int:pk>", views.raw_retrieve),
    path("baseline/raw/node", views.raw_index, {"resource": "node"}),
    path("baseline/drf/articles", views.drf_index),
    path("baseline/drf/articles/<int:pk>", views.drf_retrieve),
    path("", include("services_api.urls")),
]
