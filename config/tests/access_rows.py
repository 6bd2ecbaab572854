from django.urls import reverse

from config.tests.access import Row, outcomes

ROWS = [
    Row("home", "home", "GET", lambda w: reverse("home"), outcomes(302, 302, 302, 302, 302, 302)),
    Row("healthz", "healthz", "GET", lambda w: reverse("healthz"), outcomes(200, 200, 200, 200, 200, 200)),
    Row("login page", "login", "GET", lambda w: reverse("login"), outcomes(200, 302, 302, 302, 302, 302)),
    Row("logout", "logout", "POST", lambda w: reverse("logout"), outcomes(302, 302, 302, 302, 302, 302)),
    Row(
        "password change page",
        "password_change",
        "GET",
        lambda w: reverse("password_change"),
        outcomes(302, 200, 200, 200, 200, 200),
    ),
    Row(
        "password changed page",
        "password_change_done",
        "GET",
        lambda w: reverse("password_change_done"),
        outcomes(302, 200, 200, 200, 200, 200),
    ),
    Row(
        "api token: bad credentials",
        "api-token",
        "POST",
        lambda w: reverse("api-token"),
        outcomes(400, 400, 400, 400, 400, 400),
        data=lambda w: {"username": "nobody", "password": "x"},
        format="json",
    ),
    Row("api schema", "api-schema", "GET", lambda w: reverse("api-schema"), outcomes(401, 200, 200, 200, 200, 200)),
    Row("api docs", "api-docs", "GET", lambda w: reverse("api-docs"), outcomes(401, 200, 200, 200, 200, 200)),
]
