"""Reader endpoints inside each language's prefix (/es/search/, /es/offline.json, ...)."""

from django.urls import path

from .feedback import submit_feedback
from .offline import offline_manifest, offline_page, web_manifest
from .search import search
from .search_index import essentials_index, search_index

urlpatterns = [
    path("feedback/", submit_feedback, name="feedback"),
    path("offline/", offline_page, name="offline_page"),
    path("search/", search, name="search"),
    path("search-index.json", search_index, name="search_index"),
    path("search-index/essentials.json", essentials_index, name="essentials_index"),
    path("offline.json", offline_manifest, name="offline_manifest"),
    path("manifest.webmanifest", web_manifest, name="web_manifest"),
]
