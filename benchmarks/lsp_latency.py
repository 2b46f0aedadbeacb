"""Diagnostics latency of `asynclint server` after a change to a ~2,000-line file.

Measures what a user feels: from sending `textDocument/didChange` to receiving the new
`textDocument/publishDiagnostics` (changes after a quiet spell are checked at once; the 30 ms
debounce applies inside bursts), with a real LSP client
(pytest-lsp, installed with the `test` extra). Also prints the in-process cost of one check.

    python benchmarks/lsp_latency.py [--findings-every N] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import make_test_lsp_client

BLOCK = '''

async def handler_{i}(request, db):
    """Serve one request."""
    user = await db.fetch_user(request.user_id)
    if user is None:
        {call}(0.1)
        return {{"error": "missing"}}
    items = [x for x in user.items if x.active]
    total = sum(item.price for item in items)
    return {{"user": user.name, "total": total}}
'''


def make_text(blocks: int, findings_every: int) -> str:
    return "import time\n" + "".join(
        BLOCK.format(i=i, call="time.sleep" if i % findings_every == 0 else "log")
        for i in range(blocks)
    )


async def end_to_end(text: str, rounds: int) -> list[float]:
    uri = (Path(tempfile.mkdtemp()) / "app.py").as_uri()
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "asynclint", "server")
    await client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    try:
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=text)))
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        times = []
        for version in range(2, rounds + 2):
            changed = text.replace("(0.1)", f"(0.{version})", 1)
            await asyncio.sleep(0.1)  # a pause in typing: the server's debounce is over
            start = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)]))
            while True:
                params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
                if params.version == version:
                    break
            times.append((time.perf_counter() - start) * 1000)
        return times
    finally:
        await client.shutdown_session()
        await client.stop()


def in_process(text: str, rounds: int) -> list[float]:
    from asynclint.config import Settings
    from asynclint.engine.analyze import analyze
    from asynclint.lsp.positions import PositionCodec
    from asynclint.lsp.server import AsyncLintServer
    from asynclint.source import SourceFile

    settings = Settings(root=Path.cwd())
    codes = settings.enabled_codes()
    codec = PositionCodec("utf-16")
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        source = SourceFile(text)
        analysis = analyze(source, "app.py", settings, codes)
        [AsyncLintServer._to_lsp(codec, source, d) for d in analysis.diagnostics]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=200, help="11 lines each")
    parser.add_argument("--findings-every", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    text = make_text(args.blocks, args.findings_every)
    print(f"{text.count(chr(10))} lines, {len(range(0, args.blocks, args.findings_every))} findings")
    e2e = asyncio.run(end_to_end(text, args.rounds))
    print(f"didChange -> publishDiagnostics: median {statistics.median(e2e):.0f} ms, "
          f"min {min(e2e):.0f} ms, max {max(e2e):.0f} ms (each change after a quiet spell)")
    check = in_process(text, args.rounds)
    print(f"one check in process (analyze + LSP conversion): median "
          f"{statistics.median(check):.0f} ms, min {min(check):.0f} ms")


if __name__ == "__main__":
    main()
