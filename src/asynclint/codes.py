"""Every rule code and whether it is on by default: the one table selection, validation and
the cache fingerprint read, so configuration knows codes without importing any rule (a warm run
served from the cache never analyses anything). A new rule adds one line here; registering a
rule whose code or default is not in this table fails (`rules.base.check_rule`).
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
    "ASL109": False,  # filesystem-metadata-in-async
    "ASL110": False,  # config-file-read-in-async
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
    "ASL302": False,  # get-event-loop-in-coroutine
    "ASL303": True,  # loop-run-at-import
    "ASL400": True,  # sequential-independent-awaits
    "ASL401": False,  # await-in-loop-over-independent-items
    "ASL500": True,  # dangling-task
    "ASL501": True,  # cancellation-swallowed
}

# Peer codes: the codes of ruff / flake8-async rules that flag the same thing as an asynclint
# rule, read from the rules' `overlaps` (registering a rule whose `overlaps` differ from its entry
# here fails, as for CODES). A noqa comment naming a peer code suppresses the asynclint rule on
# that line too (setting `noqa-peer-codes`), so code annotated for ruff needs no second code. Only
# exact equivalents belong here: a peer finding is on the same call or handler as ours.
PEERS: dict[str, tuple[str, ...]] = {
    "ASL100": ("ASYNC251",),  # time.sleep
    "ASL101": ("ASYNC210", "ASYNC211", "ASYNC212"),  # sync HTTP clients
    "ASL103": ("ASYNC220", "ASYNC221", "ASYNC222"),  # subprocesses and their waits
    "ASL104": ("ASYNC230", "ASYNC231", "ASYNC232"),  # open, os.fdopen, file object methods
    "ASL105": ("ASYNC250",),  # input()
    "ASL107": ("ASYNC200",),  # user-configured blocking calls
    "ASL109": ("ASYNC240",),  # os.path / pathlib metadata calls
    "ASL110": ("ASYNC230",),  # open() of a configuration file
    "ASL200": ("ASYNC105",),  # an async library function called without await
    "ASL500": ("RUF006", "ASYNC300"),  # a task whose reference is dropped
    "ASL501": ("ASYNC103", "ASYNC104"),  # a cancellation caught and not re-raised
}
