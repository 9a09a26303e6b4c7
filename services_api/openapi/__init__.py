"""Per-endpoint API descriptions: OpenAPI 3.1, Swagger UI, Redoc and Services' ``definition``.

Everything here is derived, nothing is declared twice: ``describe`` reads the resource
declarations (``services_api.resources``), the query grammar's vocabularies and the endpoint's
configuration snapshot into one ``EndpointDescription``; ``schema`` turns that into an OpenAPI
document, ``definition`` into Drupal Services' resource definition, ``views`` serves them.
See docs/openapi.md.
"""
