"""The one timezone deadlines are reckoned in.

China Standard Time has been UTC+8 without daylight saving since 1991, so a fixed offset is
exact for every date a ticket can carry and needs no tzdata on slim images.
"""

from __future__ import annotations

from datetime import timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
