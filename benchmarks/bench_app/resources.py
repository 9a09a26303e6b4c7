"""A small resource for the dispatch benchmark: the same payload as the plain DRF view."""

from services_api.resources import Arg, Resource, operation, register_resource

PAYLOAD = {"nid": 1, "title": "Hello", "status": 1, "tags": [1, 2, 3], "uri": "http://x/api/n/1"}


@register_resource
class PingResource(Resource):
    name = "ping"

    @operation("retrieve", args=[Arg("id", source="path", index=0)])
    def retrieve(self, request, id):
        return PAYLOAD
