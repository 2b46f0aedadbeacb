"""A real editor: headless Neovim, configured with the docs/editors.md snippet for its version,
shows the diagnostic, and Neovim's own `vim.lsp.buf.code_action` applies the quick fix and the
fix-all action.

Every Neovim found runs: `nvim` on PATH (.ci/run installs Debian's package, 0.7 on Debian 12) and
any listed in ASYNCLINT_TEST_NVIM (os.pathsep-separated; .ci/run adds a 0.11 build there, the
version whose `vim.lsp.config` snippet the docs show first). Skipped only where no Neovim is
installed, which .ci/run reports when it cannot install one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.editor_sessions import DOCS, TWO_BUGS, UNICODE, editor_env, fixed_by_cli

# Lua run in the editor after the snippet: what a user does by hand, with `vim.ui.select` (the
# menu `code_action` opens) answered as a user would: the preferred quick fix, or the action of
# the kind asked for. `code_action`'s signature changed in 0.8 (context -> options).
DRIVER = """
local mode = ...
vim.cmd('edit app.py')
local buf = vim.api.nvim_get_current_buf()
local out = {}
local original = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\\n')
local function changed()
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\\n') ~= original
end
vim.ui.select = function(items, _, on_choice)
  for _, item in ipairs(items) do
    local action = item.action or item[2]  -- 0.10+: {action=, ctx=}; 0.7: {client_id, action}
    table.insert(out, 'offered ' .. action.title)
  end
  for _, item in ipairs(items) do
    local action = item.action or item[2]
    if (mode == 'quickfix' and action.isPreferred) or action.kind == mode then
      return on_choice(item)
    end
  end
  on_choice(nil)
end
local modern = vim.fn.has('nvim-0.8') == 1
if vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  local d = vim.diagnostic.get(buf)[1]
  table.insert(out, string.format('diagnostic %d:%d %s', d.lnum, d.col, d.source))
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  if mode == 'quickfix' then
    vim.lsp.buf.code_action()
  elseif modern then
    vim.lsp.buf.code_action({ context = { only = { mode } }, apply = true })
  else
    vim.lsp.buf.code_action({ only = { mode } })
  end
  if vim.wait(20000, changed, 20) then
    vim.cmd('write')
  end
end
vim.fn.writefile(out, 'result.txt')
vim.cmd('qa!')
"""


@dataclass(frozen=True)
class Neovim:
    path: str
    version: tuple[int, int]

    @property
    def snippet_marker(self) -> str:
        """What identifies the docs snippet for this version."""
        return "vim.lsp.config(" if self.version >= (0, 11) else "start_client"


def installed_neovims() -> list[Neovim]:
    candidates = [shutil.which("nvim"), *os.environ.get("ASYNCLINT_TEST_NVIM", "").split(os.pathsep)]
    found: dict[str, Neovim] = {}
    for path in filter(None, candidates):
        banner = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        match = re.match(r"NVIM v(\d+)\.(\d+)", banner.stdout)
        if match is not None:
            found[os.path.realpath(path)] = Neovim(path, (int(match[1]), int(match[2])))
    return list(found.values())


NEOVIMS = [pytest.param(n, id=f"nvim-{n.version[0]}.{n.version[1]}")
           for n in installed_neovims()] or [pytest.param(None, marks=pytest.mark.skip(
               reason="Neovim is not installed (.ci/run installs it with apt-get where it runs "
                      "as root; it says so when it cannot)"))]


def docs_snippet(marker: str) -> str:
    blocks = re.findall(r"```lua\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    [snippet] = [b for b in blocks if marker in b]
    return snippet


def run_neovim(neovim: Neovim, folder: Path, text: str, mode: str) -> list[str]:
    """Edit `text` as app.py in `folder` through `mode` and return what the driver saw."""
    (folder / "init.lua").write_text(docs_snippet(neovim.snippet_marker), encoding="utf-8")
    (folder / "driver.lua").write_text(DRIVER, encoding="utf-8")
    (folder / "app.py").write_text(text, encoding="utf-8")
    subprocess.run([neovim.path, "--headless", "--clean", "-u", "init.lua",
                    "-c", f"lua loadfile('driver.lua')('{mode}')"],
                   cwd=folder, env=editor_env(), capture_output=True, timeout=60,
                   stdin=subprocess.DEVNULL)
    return (folder / "result.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("neovim", NEOVIMS)
def test_quick_fix_through_code_action(neovim: Neovim, tmp_path: Path) -> None:
    result = run_neovim(neovim, tmp_path, UNICODE, "quickfix")
    # Neovim reports byte columns: `    x = "é😀"; ` is 18 bytes, whichever encoding the client
    # negotiated for the wire (0.7: UTF-16, 15 units; 0.11: UTF-8).
    assert result[0] == "diagnostic 4:18 asynclint"
    assert "offered asynclint (ASL100): Replace with `await asyncio.sleep(...)`" in result
    assert "offered asynclint (ASL100): Disable ASL100 for this line" in result
    expected = fixed_by_cli(tmp_path, UNICODE)
    assert "await asyncio.sleep(1)" in expected
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("neovim", NEOVIMS)
def test_fix_all_through_code_action(neovim: Neovim, tmp_path: Path) -> None:
    result = run_neovim(neovim, tmp_path, TWO_BUGS, "source.fixAll.asynclint")
    assert result[0] == "diagnostic 4:4 asynclint"
    expected = fixed_by_cli(tmp_path, TWO_BUGS)
    assert expected.count("await asyncio.sleep(") == 2
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == expected
