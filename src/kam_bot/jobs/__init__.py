"""Scheduled work: the daily reminder DM, the weekly team digest, and their delivery.

The pieces, from deciding to sending:

- ``planning``      pure time rules: whose local reminder moment falls in a window.
- ``daily``         what one person gets in their morning DM (with ``briefs`` and escalations).
- ``digest``        the weekly team digest's figures; ``digest_render`` the message (with ``chart``).
- ``notifications`` the platform-neutral notification model, rendered to a neutral ``Reply``.
- ``outbox``        every message is an outbox row with a unique key; what a row holds.
- ``delivery``      the ``Deliverer`` protocol (one per platform, in its adapter) and its errors.
- ``sender``        claims due rows, delivers, honours Retry-After, backs off, marks dead.
- ``scheduler``     the planner ticks APScheduler calls; ``runtime`` starts and stops them.
- ``previews``      what the CLI and the console print (``remind``, ``digest``).
- ``context``       what every job is given (``JobsContext``).

The jobs take what they use, ``context.JobsContext`` (built by ``bootstrap``: the settings, the
clock, the account cards of the briefs, the platforms to queue for), and never import
``bootstrap``. They hold no SQL: what they read and write is ``store.jobs`` (the context's
``store``), over ``store.outbox`` (rows and admin), ``store.lease`` (the sender's claims, a
lease that expires if a process dies), ``store.slots`` (each scheduled run claims its (job, slot)
row; the window it covers), ``store.daily_batch`` and ``store.digest_queries``.
"""
