"""The outside-in security test of the example site (``tests/test_outside_in.py``).

* :mod:`.spec`: what is built (one entry per state) and what each role may see;
* :mod:`.settings`: the demo settings as a production site runs them (DEBUG off);
* :mod:`.build`: run in a subprocess on the site's database, builds the entries and
  prints the manifest the test reads;
* :mod:`.site`: the database, the subprocesses and the server;
* :mod:`.probe`: HTTP sessions, logins and the cells that collect every failure.
"""
