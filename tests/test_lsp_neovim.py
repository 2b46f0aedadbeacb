"""A real editor: headless Neovim, configured with the Neovim 0.7 snippet of docs/editors.md,
shows the diagnostic and applies the quick fix. Skipped where `nvim` is not installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "editors.md"
TEXT = 'import time\n\n\nasync def f():\n    x = "é😀"; time.sleep(1)\n'

DRIVER = """
vim.cmd('edit app.py')
local buf = vim.api.nvim_get_current_buf()
local out = {}
if vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  local d = vim.diagnostic.get(buf)[1]
  table.insert(out, string.format('diagnostic %d:%d %s', d.lnum, d.col, d.source))
  local line = vim.lsp.diagnostic.get_line_diagnostics(buf, d.lnum)
  local params = vim.lsp.util.make_range_params()
  params.range = line[1].range
  params.context = { diagnostics = line }
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 20000)
  for _, r in pairs(res or {}) do
    for _, action in ipairs(r.result or {}) do
      if action.isPreferred then
        if action.edit == nil then  -- offered lazily: resolve it, as code_action() does
          local resolved = vim.lsp.buf_request_sync(buf, 'codeAction/resolve', action, 20000)
          for _, rr in pairs(resolved or {}) do action = rr.result end
        end
        vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      end
    end
  end
  vim.cmd('write')
end
vim.fn.writefile(out, 'result.txt')
vim.cmd('qa!')
"""


def docs_snippet() -> str:
    blocks = re.findall(r"```lua\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    [snippet] = [b for b in blocks if "start_client" in b]
    return snippet


@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed")
def test_neovim_shows_the_diagnostic_and_applies_the_fix(tmp_path: Path) -> None:
    (tmp_path / "init.lua").write_text(docs_snippet(), encoding="utf-8")
    (tmp_path / "driver.lua").write_text(DRIVER, encoding="utf-8")
    (tmp_path / "app.py").write_text(TEXT, encoding="utf-8")
    expected = tmp_path / "expected.py"
    expected.write_text(TEXT, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "asynclint", "check", "--no-cache", "--fix",
                    str(expected)], capture_output=True, cwd=tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["nvim", "--headless", "--clean", "-u", "init.lua", "-c", "luafile driver.lua"],
                   cwd=tmp_path, env=env, capture_output=True, timeout=60)
    result = (tmp_path / "result.txt").read_text(encoding="utf-8").splitlines()
    # Neovim reports byte columns: `    x = "é😀"; ` is 18 bytes (15 UTF-16 units on the wire).
    assert result == ["diagnostic 4:18 asynclint"]
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    assert "await asyncio.sleep(1)" in expected.read_text(encoding="utf-8")
