"""The HSDS 3.0 API's views (read-only, public)."""

from django.http import JsonResponse


def index(request):
    return JsonResponse({})
