"""What computing fixes costs on a large file with a few findings (run by hand, not by pytest).

    python benchmarks/fix_cost.py generate 50000 /tmp/big.py   # write a module of ~N lines
    python benchmarks/fix_cost.py attach /tmp/big.py           # time analyze + attach_fixes

The module is made of ordinary top-level functions and classes; a handful of them hold
findings whose fixes use libcst (ASL300, ASL302, ASL400, ASL401) or plain text (ASL100).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

FILLER = '''

class Repository{i}:
    """A repository."""

    def __init__(self, session):
        self.session = session

    async def get(self, key: int) -> dict[str, int]:
        row = await self.session.get(key)
        if row is None:
            raise KeyError(key)
        return {{"id": row.id, "value": row.value * {i}}}


async def handler_{i}(request, repo: Repository{i}):
    data = await request.json()
    item = await repo.get(data["id"])
    return item
'''

FINDINGS = '''

async def finding_{i}(client: httpx.AsyncClient, urls: list[str]):
    time.sleep(1)
    loop = asyncio.get_event_loop()
    asyncio.run(client.close())
    results = []
    for url in urls:
        results.append(await client.get(url))
    a = await client.get("/a")
    b = await client.get("/b")
    return loop, results, a, b
'''


def generate(lines: int, findings: int = 4) -> str:
    parts = ["import asyncio\nimport time\n\nimport httpx\n"]
    filler_lines = FILLER.count("\n")
    count = max(lines // filler_lines, 1)
    every = max(count // findings, 1)
    for i in range(count):
        parts.append(FILLER.format(i=i))
        if i % every == every // 2:
            parts.append(FINDINGS.format(i=i))
    return "".join(parts)


def attach(path: str) -> None:
    from asynclint.config import Settings
    from asynclint.engine.analyze import analyze
    from asynclint.fixes.attach import attach_fixes
    from asynclint.source import SourceFile

    source = SourceFile.from_bytes(Path(path).read_bytes())
    settings = Settings()
    t0 = time.perf_counter()
    analysis = analyze(source, path, settings, settings.codes_for(Path(path)))
    t1 = time.perf_counter()
    fixed = attach_fixes(analysis)
    t2 = time.perf_counter()
    with_fix = sum(d.fix is not None for d in fixed)
    print(f"{path}: {len(source.line_starts)} lines, {len(fixed)} findings, {with_fix} fixes; "
          f"analyze {t1 - t0:.3f}s, attach_fixes {t2 - t1:.3f}s")


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        Path(sys.argv[3]).write_text(generate(int(sys.argv[2])))
    else:
        attach(sys.argv[2])
