"""The baseline: a plain DRF view returning the same payload."""

from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .resources import PAYLOAD


class PlainView(APIView):
    authentication_classes = [SessionAuthentication, BasicAuthentication]
    permission_classes: list = []
    renderer_classes = [JSONRenderer]

    def get(self, request, id):
        return Response(PAYLOAD)
