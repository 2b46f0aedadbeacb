"""What the code means, answered once for every rule family: names and scopes (`model`,
`scopes`), types (`types`), dataflow, the shape of the code (`syntax`, `nodes`), what a file is
by its path (`paths`), and the questions several rules ask — is this call a coroutine
(`coroutines`), does it start an event loop (`loops`), does it block (`blocking`), is this
function a request handler (`handlers`), does an awaited call's order matter (`ordering`),
does this argument land on a parameter that takes a plain value (`parameters`, with the
index's `parameter_facts` and the annotation reading of `concrete`).
What is known about libraries is data in `catalogs/`. Nothing here may import the engine, the
rules or the fixes (`tests/test_layers.py`): rules ask, detect and report.
"""
