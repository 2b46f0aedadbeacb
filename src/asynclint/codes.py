"""Every rule code and whether it is on by default: the one table selection, validation and
the cache fingerprint read, so configuration knows codes without importing any rule (a warm run
served from the cache never analyses anything). A new rule adds one line here; registering a
rule whose code or default is not in this table fails (`rules.base.register`).
"""

CODES: dict[str, bool] = {
    "ASL100": True,  # blocking-sleep-in-async
    "ASL101": True,  # blocking-http-call-in-async
    "ASL102": True,  # blocking-db-call-in-async
    "ASL103": True,  # blocking-subprocess-in-async
    "ASL104": True,  # blocking-file-io-in-async
    "ASL105": True,  # blocking-call-in-async
    "ASL106": True,  # blocking-call-via-helper-in-async
    "ASL107": True,  # configured-blocking-call-in-async
    "ASL108": True,  # blocking-async-route-could-be-sync
    "ASL200": True,  # unawaited-coroutine
    "ASL201": True,  # coroutine-assigned-never-awaited
    "ASL202": True,  # coroutine-used-as-value
    "ASL203": True,  # return-unawaited-coroutine
    "ASL204": True,  # sync-with-async-context-manager
    "ASL205": True,  # sync-for-over-async-iterator
    "ASL206": True,  # coroutine-passed-as-callable
    "ASL207": True,  # async-fixture-in-strict-mode
    "ASL208": True,  # await-non-awaitable
    "ASL300": True,  # loop-run-in-coroutine
    "ASL301": True,  # loop-run-in-sync-handler
    "ASL302": True,  # get-event-loop-in-coroutine
    "ASL303": True,  # loop-run-at-import
    "ASL400": True,  # sequential-independent-awaits
    "ASL401": False,  # await-in-loop-over-independent-items
    "ASL500": True,  # dangling-task
    "ASL501": True,  # cancellation-swallowed
}
