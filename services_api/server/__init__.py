"""The REST server: URL grammar, endpoint dispatch, content negotiation and the one error handler.

A request travels ``views`` (site-level URL patterns) -> ``dispatch`` (endpoint by path
prefix, cached config) -> ``urlpath`` (resource, id, action, format suffix) -> ``controllers``
(which declared controller a method and path reach) -> ``negotiation`` (response format) ->
the resource; every error on the way goes through ``errors``.
"""
