#!/usr/bin/env python3
"""Parses an iCalendar file with the `icalendar` package (a real RFC 5545 parser)
and prints its events as JSON, for the Swift tests to check."""
import json
import sys

import icalendar

with open(sys.argv[1], "rb") as handle:
    calendar = icalendar.Calendar.from_ical(handle.read())

events = []
for component in calendar.walk("VEVENT"):
    events.append({
        "uid": str(component.get("UID")),
        "status": str(component.get("STATUS")),
        "sequence": int(component.get("SEQUENCE", 0)),
        "start": component.decoded("DTSTART").isoformat(),
        "end": component.decoded("DTEND").isoformat(),
        "summary": str(component.get("SUMMARY")),
        "description": str(component.get("DESCRIPTION", "")),
    })
print(json.dumps({"name": str(calendar.get("X-WR-CALNAME")), "version": str(calendar.get("VERSION")), "events": events}))
