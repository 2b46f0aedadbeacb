"""A real editor: Emacs in batch mode with eglot, configured with the docs/editors.md snippet,
shows the diagnostic, and eglot's own `eglot-code-actions` applies the quick fix and fix-all.

.ci/run installs Debian's Emacs and eglot (Emacs 28 with elpa-eglot on Debian 12; eglot is
built into Emacs 29+). Skipped only where they are not installed, which .ci/run reports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.editor_sessions import DOCS, TWO_BUGS, UNICODE, editor_env, fixed_by_cli

# What a user does by hand: open the file, M-x eglot, wait for the diagnostic, then
# `eglot-code-actions` on it and RET at the menu (whose default is the preferred action), or
# fix-all by its kind. MODE is the first argument after the script.
DRIVER = r"""
(require 'eglot)
(require 'cl-lib)
(load-file "init.el")
(defvar driver-out nil)
(defun driver-note (fmt &rest args) (push (apply #'format fmt args) driver-out))
(defun driver-wait (pred)
  (let ((deadline (+ (float-time) 20)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))
(find-file "app.py")
(apply #'eglot (eglot--guess-contact))
(let ((mode (car command-line-args-left))
      (original (buffer-string)))
  (when (driver-wait #'flymake-diagnostics)
    (let* ((d (car (flymake-diagnostics)))
           (beg (flymake-diagnostic-beg d)))
      (driver-note "diagnostic %d:%d %s" (1- (line-number-at-pos beg))
                   (- beg (save-excursion (goto-char beg) (line-beginning-position)))
                   (flymake-diagnostic-text d))
      (goto-char beg)
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (_prompt items &optional _p _r _i _h default &rest _)
                   (dolist (item items) (driver-note "offered %s" (car item)))
                   default)))
        (let ((last-nonmenu-event ?\r))  ; a key, not a mouse click: no popup menu
          (if (equal mode "quickfix")
              (eglot-code-actions beg (flymake-diagnostic-end d) nil t)
            (eglot-code-actions (point-min) (point-max) mode t))))
      (when (driver-wait (lambda () (not (equal (buffer-string) original))))
        (save-buffer)))))
(with-temp-file "result.txt"
  (insert (mapconcat #'identity (reverse driver-out) "\n")))
(kill-emacs 0)
"""


def eglot_available() -> bool:
    if shutil.which("emacs") is None:
        return False
    probe = subprocess.run(["emacs", "--batch", "--eval", "(require 'eglot)"],
                           capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not eglot_available(),
    reason="Emacs with eglot is not installed (.ci/run installs Debian's emacs-nox and "
           "elpa-eglot where it runs as root; it says so when it cannot)")


def docs_snippet() -> str:
    [snippet] = re.findall(r"```elisp\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    return snippet


def run_emacs(folder: Path, text: str, mode: str) -> list[str]:
    """Edit `text` as app.py in `folder` through `mode` and return what the driver saw."""
    (folder / "init.el").write_text(docs_snippet(), encoding="utf-8")
    (folder / "driver.el").write_text(DRIVER, encoding="utf-8")
    (folder / "app.py").write_text(text, encoding="utf-8")
    subprocess.run(["emacs", "--batch", "-l", "driver.el", mode], cwd=folder, env=editor_env(),
                   capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return (folder / "result.txt").read_text(encoding="utf-8").splitlines()


def test_quick_fix_through_eglot_code_actions(tmp_path: Path) -> None:
    result = run_emacs(tmp_path, UNICODE, "quickfix")
    # Emacs counts characters: `    x = "é😀"; ` is 14 (15 UTF-16 units on the wire).
    assert result[0].startswith("diagnostic 4:14 asynclint [ASL100]: `time.sleep` blocks")
    assert "offered asynclint (ASL100): Replace with `await asyncio.sleep(...)`" in result
    assert "offered asynclint (ASL100): Disable ASL100 for this line" in result
    expected = fixed_by_cli(tmp_path, UNICODE)
    assert "await asyncio.sleep(1)" in expected
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == expected


def test_fix_all_through_eglot_code_actions(tmp_path: Path) -> None:
    result = run_emacs(tmp_path, TWO_BUGS, "source.fixAll.asynclint")
    assert result[0].startswith("diagnostic 4:4 asynclint [ASL100]")
    expected = fixed_by_cli(tmp_path, TWO_BUGS)
    assert expected.count("await asyncio.sleep(") == 2
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == expected
