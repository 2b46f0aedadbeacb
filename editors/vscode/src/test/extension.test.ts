/**
 * The built extension (dist/extension.js, what the .vsix ships) under node, with the real
 * language client and the real `asynclint server`; VS Code itself is played by fakeVscode.ts.
 * It opens a file with two findings, receives them, changes a setting live, and runs "Fix all".
 *
 * The server is the asynclint of $ASYNCLINT_SERVER, else of the repository's .venv (as .ci/run
 * leaves it); skipped, saying so, when there is neither.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Editor } from "./fakeVscode";

const ROOT = path.resolve(__dirname, "..", "..");
const BUNDLE = path.join(ROOT, "dist", "extension.js");
const SERVER = [process.env.ASYNCLINT_SERVER, path.resolve(ROOT, "..", "..", ".venv", "bin", "asynclint")].find(
  (candidate): candidate is string => candidate !== undefined && candidate !== "" && fs.existsSync(candidate),
);
const TWO_BUGS = "import time\n\n\nasync def f():\n    time.sleep(1)\n\n\nasync def g():\n    time.sleep(2)\n";

interface Extension {
  activate(context: { subscriptions: { dispose(): unknown }[] }): Promise<void>;
  deactivate(): Promise<void>;
}

/** The bundle, loaded with `vscode` answered by `editor`. */
function load(editor: Editor): Extension {
  const fake = editor.module();
  const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const original = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === "vscode" ? fake : original.call(this, request, ...rest);
  };
  try {
    delete require.cache[BUNDLE];
    return require(BUNDLE) as Extension;
  } finally {
    loader._load = original;
  }
}

async function until(what: string, condition: () => boolean, log: string[]): Promise<void> {
  for (let waited = 0; waited < 30000; waited += 25) {
    if (condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`timed out waiting for ${what}; the output channel said:\n${log.join("\n")}`);
}

const LIMIT = { timeout: 60000 }; // a server that never answers fails the test, never hangs it

describe("the built extension with the real server", { ...LIMIT, skip: SERVER === undefined && "no asynclint found: set ASYNCLINT_SERVER or create the repository's .venv" }, () => {
  const editor = new Editor();
  const context = { subscriptions: [] as { dispose(): unknown }[] };
  let extension: Extension;
  let uri: string;

  before(async () => {
    editor.folder = fs.mkdtempSync(path.join(os.tmpdir(), "asynclint-vscode-"));
    editor.settings = { path: [SERVER] };
    const file = path.join(editor.folder, "app.py");
    fs.writeFileSync(file, TWO_BUGS);
    uri = editor.open(file, TWO_BUGS).uri.toString();
    extension = load(editor);
    await extension.activate(context);
  });

  after(async () => {
    await extension.deactivate();
    context.subscriptions.forEach((item) => item.dispose());
  });

  it("starts the server that asynclint.path names, and says so", () => {
    assert.ok(editor.log.includes(`info asynclint.path: ${SERVER} server`), editor.log.join("\n"));
    assert.deepEqual(editor.shown, []);
  });

  it("shows the findings of the open file", async () => {
    await until("diagnostics", () => (editor.diagnostics.get(uri) ?? []).length > 0, editor.log);
    const found = editor.diagnostics.get(uri) ?? [];
    assert.deepEqual(
      found.map((d) => [d.range.start.line, d.range.start.character, d.source, String((d.code as { value: string }).value ?? d.code)]),
      [
        [4, 4, "asynclint", "ASL100"],
        [8, 4, "asynclint", "ASL100"],
      ],
    );
  });

  it("applies a changed rule setting at once, without a restart", async () => {
    editor.change({ ignore: ["ASL100"] });
    await until("the findings to go", () => (editor.diagnostics.get(uri) ?? []).length === 0, editor.log);
    assert.ok(!editor.log.some((line) => line.includes("restarting")), editor.log.join("\n"));
    editor.change({ ignore: null });
    await until("the findings to come back", () => (editor.diagnostics.get(uri) ?? []).length === 2, editor.log);
  });

  it('"Fix all" applies what asynclint check --fix makes of the file', async () => {
    await editor.run("asynclint.fixAll");
    await until("an edit", () => editor.applied.length > 0, editor.log);
    const [edit] = editor.applied;
    assert.equal(edit.edits.length, 1);
    assert.equal(edit.edits[0].uri, uri);
    assert.match(edit.edits[0].newText, /^import asyncio\n[\s\S]*await asyncio\.sleep\(1\)[\s\S]*await asyncio\.sleep\(2\)\n$/);
  });
});

describe("without asynclint", LIMIT, () => {
  it("starts nothing, and tells the user what to install", async () => {
    const editor = new Editor();
    editor.folder = fs.mkdtempSync(path.join(os.tmpdir(), "asynclint-vscode-"));
    editor.settings = { path: [path.join(editor.folder, "missing")] };
    const savedPath = process.env.PATH;
    process.env.PATH = "";
    const extension = load(editor);
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    try {
      await extension.activate(context);
    } finally {
      process.env.PATH = savedPath;
    }
    assert.equal(editor.shown.length, 1);
    assert.match(editor.shown[0], /^error: asynclint: the `asynclint` command was not found/);
    assert.ok(editor.log.some((line) => line.includes("pip install asynclint")), editor.log.join("\n"));
    await extension.deactivate();
    context.subscriptions.forEach((item) => item.dispose());
  });
});
