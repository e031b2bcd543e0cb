"""The calendar feed (``lipctl calendar``): the process's dates as iCalendar events (RFC 5545).

``feed.py`` turns plain rows (the read side's, and survey periods) into a calendar with the
``icalendar`` library; it needs no database and no terminal, so tests feed it rows directly.
"""
