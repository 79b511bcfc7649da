"""Term calendar: terms, school days, holidays and make-up days (调休). Every later capability asks it
whether a date is a service day and which weekday's schedule that date runs."""
