"""Keep OpenIDs and API secrets out of the access and HTTP-client logs.

WeChat appends ``openid=…`` to the /wechat URL, and the customer-service API takes the AppSecret
and the access token in the query string; uvicorn's access log (``bot.run --verbose``) and
httpx's request log would print them. This filter rewrites those values before any handler
sees the record.
"""

from __future__ import annotations

import logging
import re

_SECRET_PARAMS = re.compile(r"((?:^|[?&\s])(?:openid|secret|access_token)=)[^&\s\"']+", re.IGNORECASE)
LOGGERS = ("uvicorn.access", "httpx")


class QuerySecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is left to fail as it would
            return True
        redacted = _SECRET_PARAMS.sub(r"\1[hidden]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install() -> None:
    """Attach the filter to the loggers that print URLs (once per logger)."""
    for name in LOGGERS:
        log = logging.getLogger(name)
        if not any(isinstance(f, QuerySecretFilter) for f in log.filters):
            log.addFilter(QuerySecretFilter())
