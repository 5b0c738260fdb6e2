"""Prints a kconv tuning database (SQLite) as the text lines an earlier kconv wrote,
KEY<TAB>VALUE<TAB>MS ordered by key: for tests to read it, or to edit it and hand it
back to kconvc, which imports such a text file once."""
import sqlite3
import sys

db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for key, value, ms in db.execute("SELECT key, value, ms FROM entries ORDER BY key"):
    print("%s\t%s\t%f" % (key, value, ms))
