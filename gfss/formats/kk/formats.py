# Django ships no Kazakh formats: numbers and dates as written in Kazakhstan (a decimal comma,
# digits grouped by threes with a non-breaking space), as the Russian formats do.
DATE_FORMAT = "j F Y ж."
DATETIME_FORMAT = "j F Y ж. H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
