"""Error pages: Swedish (English under /en/ or when English is chosen), with the
request id and a way back. JSON for the API. They touch no database, so they work
when the database is what failed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from sot.config import requestid

TEXTS = {
    "sv": {
        400: (
            "Felaktig begäran",
            "Sidan kunde inte visas för att begäran var felaktig.",
        ),
        403: ("Ingen behörighet", "Du har inte behörighet till den här sidan."),
        404: ("Sidan finns inte", "Sidan du söker finns inte eller har flyttats."),
        413: (
            "Filen är för stor",
            "Det du skickade är större än vad tjänsten tar emot (högst %(mb)d MB). "
            "Dela upp filen eller skicka en mindre.",
        ),
        500: (
            "Något gick fel",
            "Ett fel uppstod hos oss. Felet är loggat; försök igen om en stund. "
            "Kontakta den som driver tjänsten om det inte går över och uppge "
            "fel-id:t nedan.",
        ),
        "id": "Fel-id:",
        "home": "Till startsidan",
        "officials": "Till driftsidorna",
        "admin": "Till registret",
    },
    "en": {
        400: ("Bad request", "The page could not be shown: the request was malformed."),
        403: ("Not allowed", "You are not allowed to see this page."),
        404: ("Page not found", "The page you are looking for does not exist."),
        413: (
            "File too large",
            "What you sent is larger than this service accepts (at most %(mb)d MB). "
            "Split the file or send a smaller one.",
        ),
        500: (
            "Something went wrong",
            "An error occurred on our side. It has been logged; please try again "
            "shortly. If it persists, contact whoever runs this service and give "
            "the error id below.",
        ),
        "id": "Error id:",
        "home": "To the start page",
        "officials": "To the operations pages",
        "admin": "To the register",
    },
}


def _lang(request: HttpRequest) -> str:
    if request.path_info.startswith("/en/"):
        return "en"
    return "en" if getattr(request, "LANGUAGE_CODE", "sv") == "en" else "sv"


def _back(request: HttpRequest, lang: str) -> tuple[str, str]:
    texts = TEXTS[lang]
    path = request.path_info
    if path.startswith("/drift/"):
        return "/drift/", texts["officials"]
    if path.startswith("/admin/"):
        return "/admin/", texts["admin"]
    return ("/en/" if lang == "en" else "/"), texts["home"]


def render_error(request: HttpRequest, status: int) -> HttpResponse:
    request_id = getattr(request, "id", "") or requestid.current()
    if request_id == "-":
        request_id = ""
    mb = {"mb": settings.SOT_MAX_UPLOAD_BYTES // 1024 // 1024}
    if request.path_info.startswith("/api/"):
        body = {
            "detail": TEXTS["en"][status][1] % mb
            if status == 413
            else TEXTS["en"][status][0].lower()
        }
        if request_id:
            body["request_id"] = request_id
        return JsonResponse(body, status=status)
    lang = _lang(request)
    title, text = TEXTS[lang][status]
    text = text % mb if status == 413 else text
    back_url, back_label = _back(request, lang)
    html = loader.get_template("error.html").render(
        {
            "lang": lang,
            "title": title,
            "text": text,
            "request_id": request_id if status == 500 else "",
            "id_label": TEXTS[lang]["id"],
            "back_url": back_url,
            "back_label": back_label,
        }
    )
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return render_error(request, 400)


def permission_denied(request, exception=None):
    return render_error(request, 403)


def page_not_found(request, exception=None):
    return render_error(request, 404)


def server_error(request):
    return render_error(request, 500)
