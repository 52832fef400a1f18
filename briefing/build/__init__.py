"""The build: plan what is out of date, carry the plan out, report.

``keys`` (stage keys derived from the settings' tags) → ``plan`` (per date: added, changed,
removed or unchanged, and which stage's key changed) → ``execute`` (scripts, synthesis in the
``workers``, assembly and encoding into the ``cache``, outputs, ``site``) → ``report``;
``run`` holds the sequences the commands call, ``state`` the typed record of the last build.
"""
