"""Response headers every dynamic answer gets."""

from django.utils.cache import add_never_cache_headers


def no_store(get_response):
    """`Cache-Control: no-store` (and Django's other never-cache headers) on every response that
    reaches the views: pages and API answers carry future patrol times, volunteers' contact
    details or a CSRF token, none of which a browser or proxy may keep. Static files are answered
    by WhiteNoise before this runs, so they keep their long caching."""

    def middleware(request):
        response = get_response(request)
        add_never_cache_headers(response)
        return response

    return middleware
