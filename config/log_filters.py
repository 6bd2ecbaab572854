"""Logging filters wired in settings.LOGGING."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A request refused with a 4xx (a 403 from PermissionDenied, a 400 from a suspicious
    request) is the client's doing, not a fault: Django logs it with the exception's traceback,
    which buries real errors in a log full of probes. Keep its one line and drop the traceback;
    5xx records keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True
