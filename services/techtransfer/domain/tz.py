"""The market's time zone: dates and slot times are Beijing time (Asia/Shanghai)."""

from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
