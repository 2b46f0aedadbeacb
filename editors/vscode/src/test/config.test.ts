/**
 * The extension's configuration logic (config.ts), without VS Code: which server command is
 * started, what the server is sent, and what a settings change needs. Run by `npm test`.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import * as path from "node:path";
import {
  changeEffect,
  Environment,
  expandPath,
  readSettings,
  resolveServer,
  SERVER_SETTING_KEYS,
  serverSettings,
  Settings,
} from "../config";

const DEFAULTS: Settings = readSettings(() => undefined).settings;

function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULTS, ...overrides };
}

/** A machine where exactly `files` exist. */
function machine(files: string[], overrides: Partial<Environment> = {}): Environment {
  const present = new Set(files);
  return {
    platform: "linux",
    workspaceFolder: "/work/app",
    home: "/home/me",
    trusted: true,
    activeInterpreter: undefined,
    searchPath: "/usr/local/bin:/usr/bin",
    exists: (p) => present.has(p),
    ...overrides,
  };
}

function started(s: Settings, env: Environment): string[] | undefined {
  const { server } = resolveServer(s, env);
  return server === undefined ? undefined : [server.command, ...server.args];
}

describe("reading the settings", () => {
  it("defaults: enabled, nothing configured, the project's pyproject.toml in charge", () => {
    assert.deepEqual(DEFAULTS, {
      enable: true,
      path: [],
      interpreter: [],
      select: null,
      extendSelect: null,
      ignore: null,
      unsafeFixes: null,
    });
    assert.deepEqual(serverSettings(DEFAULTS), {});
  });

  it("takes a single string for path and interpreter", () => {
    const values: Record<string, unknown> = { path: "/opt/asynclint", interpreter: "python3" };
    const { settings: read, problems } = readSettings((key) => values[key]);
    assert.deepEqual(read.path, ["/opt/asynclint"]);
    assert.deepEqual(read.interpreter, ["python3"]);
    assert.deepEqual(problems, []);
  });

  it("reports a value of the wrong type and leaves it out", () => {
    const values: Record<string, unknown> = { select: "ASL1", unsafeFixes: "yes", path: [1] };
    const { settings: read, problems } = readSettings((key) => values[key]);
    assert.equal(read.select, null);
    assert.equal(read.unsafeFixes, null);
    assert.deepEqual(read.path, []);
    assert.deepEqual(problems, [
      'asynclint.path must be a string or a list of strings, got [1]; ignored',
      'asynclint.select must be a list of rule codes, got "ASL1"; ignored',
      'asynclint.unsafeFixes must be true or false, got "yes"; ignored',
    ]);
  });

  it("sends the server only what is set, under the server's names", () => {
    const sent = serverSettings(settings({ ignore: ["ASL100"], unsafeFixes: false, select: [] }));
    assert.deepEqual(sent, { select: [], ignore: ["ASL100"], unsafeFixes: false });
  });
});

describe("what a settings change needs", () => {
  const only = (changed: string) => (key: string) => key === changed;

  it("restarts the server when the settings that choose it change", () => {
    for (const key of ["enable", "path", "interpreter"]) {
      assert.equal(changeEffect(only(key)), "restart", key);
    }
  });

  it("tells the running server about the settings it reads", () => {
    for (const key of SERVER_SETTING_KEYS) {
      assert.equal(changeEffect(only(key)), "notify", key);
    }
  });

  it("does nothing for the others", () => {
    assert.equal(changeEffect(only("trace.server")), "none");
  });
});

describe("which server is started", () => {
  it("asynclint.path: the first entry that exists", () => {
    const env = machine(["/opt/b/asynclint", "/opt/c/asynclint"]);
    const s = settings({ path: ["/opt/a/asynclint", "/opt/b/asynclint", "/opt/c/asynclint"] });
    assert.deepEqual(started(s, env), ["/opt/b/asynclint", "server"]);
    assert.deepEqual(resolveServer(s, env).notes, [
      "asynclint.path: /opt/a/asynclint was not found",
      "asynclint.path: /opt/b/asynclint server",
    ]);
  });

  it("asynclint.path expands ~, ${userHome} and ${workspaceFolder}, and looks up bare names on PATH", () => {
    const env = machine(["/home/me/bin/asynclint", "/work/app/tools/asynclint", "/usr/bin/asynclint"]);
    assert.deepEqual(started(settings({ path: ["~/bin/asynclint"] }), env), ["/home/me/bin/asynclint", "server"]);
    assert.deepEqual(started(settings({ path: ["${userHome}/bin/asynclint"] }), env), ["/home/me/bin/asynclint", "server"]);
    assert.deepEqual(started(settings({ path: ["${workspaceFolder}/tools/asynclint"] }), env), [
      "/work/app/tools/asynclint",
      "server",
    ]);
    assert.deepEqual(started(settings({ path: ["tools/asynclint"] }), env), ["/work/app/tools/asynclint", "server"]);
    assert.deepEqual(started(settings({ path: ["asynclint"] }), env), ["/usr/bin/asynclint", "server"]);
  });

  it("asynclint.interpreter: runs the module with the interpreter's own arguments", () => {
    const s = settings({ interpreter: ["${workspaceFolder}/.venv/bin/python", "-X", "utf8"] });
    assert.deepEqual(started(s, machine([])), [
      "/work/app/.venv/bin/python",
      "-X",
      "utf8",
      "-m",
      "asynclint",
      "server",
    ]);
  });

  it("asynclint.path that finds nothing falls back to the interpreter", () => {
    const s = settings({ path: ["/missing/asynclint"], interpreter: ["/usr/bin/python3"] });
    assert.deepEqual(started(s, machine([])), ["/usr/bin/python3", "-m", "asynclint", "server"]);
  });

  it("the Python extension's interpreter, when asynclint is installed beside it", () => {
    const env = machine(["/work/app/.env/bin/asynclint", "/work/app/.venv/bin/asynclint"], {
      activeInterpreter: "/work/app/.env/bin/python",
    });
    const resolution = resolveServer(settings(), env);
    assert.deepEqual(started(settings(), env), ["/work/app/.env/bin/asynclint", "server"]);
    assert.equal(resolution.server?.followsActiveInterpreter, true);
  });

  it("the Python extension's interpreter without asynclint: the workspace's .venv, then PATH", () => {
    const active = { activeInterpreter: "/usr/bin/python3" };
    assert.deepEqual(started(settings(), machine(["/work/app/.venv/bin/asynclint"], active)), [
      "/work/app/.venv/bin/asynclint",
      "server",
    ]);
    assert.deepEqual(started(settings(), machine(["/work/app/venv/bin/asynclint"], active)), [
      "/work/app/venv/bin/asynclint",
      "server",
    ]);
    const fromPath = resolveServer(settings(), machine(["/usr/local/bin/asynclint"], active));
    assert.deepEqual(fromPath.notes, [
      "asynclint is not installed beside the Python extension's interpreter /usr/bin/python3",
      "PATH: /usr/local/bin/asynclint server",
    ]);
    assert.equal(fromPath.server?.followsActiveInterpreter, false);
  });

  it("nothing found: no server, and a note that says what to do", () => {
    const { server, notes } = resolveServer(settings(), machine([]));
    assert.equal(server, undefined);
    assert.match(notes[notes.length - 1], /pip install asynclint/);
  });

  it("an untrusted workspace runs only asynclint on PATH", () => {
    const env = machine(["/work/app/evil", "/work/app/.venv/bin/asynclint", "/usr/bin/asynclint"], {
      trusted: false,
      activeInterpreter: "/work/app/.venv/bin/python",
    });
    const s = settings({ path: ["/work/app/evil"], interpreter: ["/work/app/evil"] });
    assert.deepEqual(started(s, env), ["/usr/bin/asynclint", "server"]);
    assert.equal(started(s, { ...env, searchPath: "" }), undefined);
  });

  it("Windows: Scripts\\asynclint.exe of the venv and of a base install, PATH with ;", () => {
    const win = (files: string[], overrides: Partial<Environment> = {}) =>
      machine(files, { platform: "win32", workspaceFolder: "C:\\work\\app", searchPath: "C:\\tools;C:\\bin", ...overrides });
    assert.deepEqual(started(settings(), win(["C:\\work\\app\\.venv\\Scripts\\asynclint.exe"])), [
      "C:\\work\\app\\.venv\\Scripts\\asynclint.exe",
      "server",
    ]);
    const base = win(["C:\\Python312\\Scripts\\asynclint.exe"], { activeInterpreter: "C:\\Python312\\python.exe" });
    assert.deepEqual(started(settings(), base), ["C:\\Python312\\Scripts\\asynclint.exe", "server"]);
    assert.deepEqual(started(settings(), win(["C:\\bin\\asynclint.exe"])), ["C:\\bin\\asynclint.exe", "server"]);
    assert.equal(expandPath("~\\bin\\asynclint.exe", win([], { home: "C:\\Users\\me" })), "C:\\Users\\me\\bin\\asynclint.exe");
  });
});

describe("package.json declares what config.ts reads", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf-8"));
  const properties: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;

  it("every setting, with the default readSettings assumes", () => {
    const declared = Object.keys(properties).filter((key) => key !== "asynclint.trace.server");
    assert.deepEqual(declared.sort(), Object.keys(DEFAULTS).map((key) => `asynclint.${key}`).sort());
    for (const [key, value] of Object.entries(DEFAULTS)) {
      assert.deepEqual(properties[`asynclint.${key}`].default, value, key);
    }
  });

  it("the commands the extension registers", () => {
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(commands, ["asynclint.fixAll", "asynclint.restart", "asynclint.showLogs"]);
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "src", "extension.ts"), "utf-8");
    for (const command of commands) {
      assert.ok(source.includes(`registerCommand("${command}"`), command);
    }
  });
});
