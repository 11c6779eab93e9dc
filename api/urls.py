"""The APIs' URLs, under /api/ (cms.urls includes them by dotted name)."""

from django.urls import path, re_path

from . import hsds
from .content import router
from .openapi import content_openapi, hsds_openapi

urlpatterns = [
    path("v2/openapi.json", content_openapi, name="api_content_openapi"),
    path("v2/", router.urls),
    path("hsds/", hsds.index, name="api_hsds_index"),
    path("hsds/openapi.json", hsds_openapi, name="api_hsds_openapi"),
    path("hsds/services", hsds.services, name="api_hsds_services"),
    path("hsds/services/<str:id>", hsds.service, name="api_hsds_service"),
    path("hsds/organizations", hsds.organizations, name="api_hsds_organizations"),
    path("hsds/organizations/<str:id>", hsds.organization, name="api_hsds_organization"),
    path("hsds/taxonomies", hsds.taxonomies, name="api_hsds_taxonomies"),
    path("hsds/taxonomies/<str:id>", hsds.taxonomy, name="api_hsds_taxonomy"),
    path("hsds/taxonomy_terms", hsds.taxonomy_terms_view, name="api_hsds_taxonomy_terms"),
    path("hsds/taxonomy_terms/<str:id>", hsds.taxonomy_term, name="api_hsds_taxonomy_term"),
    path("hsds/service_at_locations", hsds.service_at_locations, name="api_hsds_links"),
    path("hsds/service_at_locations/<str:id>", hsds.service_at_location, name="api_hsds_link"),
    # Anything else under /api/ is a 404 problem, not the reader site's 404 page.
    re_path(r"^", hsds.not_found),
]
