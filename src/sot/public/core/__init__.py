"""Plain publishing modules (no Django): the open feeds and the static snapshot.

Every module here takes plain data (:class:`sot.public.core.model.PublicPoint` and
friends) and returns bytes, strings or ``(headers, status, content)`` tuples, so it
can be used from Django views, the ``publish`` command or any other program.
"""
