/**
 * The extension's decisions, kept free of the `vscode` module so that node can test them
 * without VS Code: which command starts `asynclint server`, what the server is told of the
 * settings, and whether a settings change needs a restart.
 */

import * as nodePath from "node:path";

/** The server's own command (`asynclint.applyAutofix`): fix-all for the given documents. */
export const SERVER_FIX_ALL_COMMAND = "asynclint.applyAutofix";

/**
 * Settings the server reads (`initializationOptions` and `workspace/didChangeConfiguration`),
 * with the same names as in the server (docs/editors.md#settings). `null` leaves the
 * project's `pyproject.toml` in charge.
 */
export const SERVER_SETTING_KEYS = ["select", "extendSelect", "ignore", "unsafeFixes"] as const;
export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** Settings that decide which server runs: changing one restarts it. */
export const LAUNCH_SETTING_KEYS = ["enable", "path", "interpreter"] as const;

export interface Settings {
  enable: boolean;
  /** Executables to try, in order: the first that exists is started as `<path> server`. */
  path: string[];
  /** A Python interpreter and its arguments: started as `<python> <args> -m asynclint server`. */
  interpreter: string[];
  select: string[] | null;
  extendSelect: string[] | null;
  ignore: string[] | null;
  unsafeFixes: boolean | null;
}

export interface ReadSettings {
  settings: Settings;
  /** One line per value of the wrong type (that value is left out). */
  problems: string[];
}

/** `get("path")` returns the value of `asynclint.path` (VS Code's `WorkspaceConfiguration.get`). */
export type SettingGetter = (key: string) => unknown;

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") {
    return value.trim() === "" ? [] : [value];
  }
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return value as string[];
  }
  return undefined;
}

/** Typed settings from the raw values; a wrong type is reported and treated as unset. */
export function readSettings(get: SettingGetter): ReadSettings {
  const problems: string[] = [];
  const wrong = (key: string, expected: string, value: unknown): void => {
    problems.push(`asynclint.${key} must be ${expected}, got ${JSON.stringify(value)}; ignored`);
  };

  const enableRaw = get("enable");
  let enable = true;
  if (typeof enableRaw === "boolean") {
    enable = enableRaw;
  } else if (enableRaw != null) {
    wrong("enable", "true or false", enableRaw);
  }

  const lists: Record<"path" | "interpreter", string[]> = { path: [], interpreter: [] };
  for (const key of ["path", "interpreter"] as const) {
    const raw = get(key);
    const value = stringList(raw);
    if (value !== undefined) {
      lists[key] = value;
    } else if (raw != null) {
      wrong(key, "a string or a list of strings", raw);
    }
  }

  const codes: Record<"select" | "extendSelect" | "ignore", string[] | null> = {
    select: null,
    extendSelect: null,
    ignore: null,
  };
  for (const key of ["select", "extendSelect", "ignore"] as const) {
    const raw = get(key);
    if (raw == null) {
      continue;
    }
    if (Array.isArray(raw) && raw.every((v) => typeof v === "string")) {
      codes[key] = raw as string[];
    } else {
      wrong(key, "a list of rule codes", raw);
    }
  }

  const unsafeRaw = get("unsafeFixes");
  let unsafeFixes: boolean | null = null;
  if (typeof unsafeRaw === "boolean") {
    unsafeFixes = unsafeRaw;
  } else if (unsafeRaw != null) {
    wrong("unsafeFixes", "true or false", unsafeRaw);
  }

  return { settings: { enable, ...lists, ...codes, unsafeFixes }, problems };
}

/** What the server is sent: the settings that are set, under the server's names. */
export function serverSettings(settings: Settings): Partial<Record<ServerSettingKey, unknown>> {
  const sent: Partial<Record<ServerSettingKey, unknown>> = {};
  for (const key of SERVER_SETTING_KEYS) {
    if (settings[key] !== null) {
      sent[key] = settings[key];
    }
  }
  return sent;
}

export type ChangeEffect = "restart" | "notify" | "none";

/**
 * What a settings change needs. `affects("path")` answers VS Code's
 * `event.affectsConfiguration("asynclint.path")`.
 */
export function changeEffect(affects: (key: string) => boolean): ChangeEffect {
  if (LAUNCH_SETTING_KEYS.some(affects)) {
    return "restart";
  }
  return SERVER_SETTING_KEYS.some(affects) ? "notify" : "none";
}

/** What the extension knows of the machine and the workspace (injected, for tests). */
export interface Environment {
  platform: string;
  /** The first workspace folder, if one is open. */
  workspaceFolder: string | undefined;
  home: string;
  /** Whether the workspace is trusted: untrusted, nothing in it is run. */
  trusted: boolean;
  /** The Python extension's interpreter for the workspace, if it is installed. */
  activeInterpreter: string | undefined;
  /** The PATH variable. */
  searchPath: string;
  exists(path: string): boolean;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Whether the command came from the Python extension's choice (restart when it changes). */
  followsActiveInterpreter: boolean;
}

export interface Resolution {
  server: ServerCommand | undefined;
  /** How the choice was made, one line each, for the output channel. */
  notes: string[];
}

function pathModule(platform: string): typeof nodePath.posix {
  return platform === "win32" ? nodePath.win32 : nodePath.posix;
}

/**
 * A path from the settings: `~`, `${userHome}` and `${workspaceFolder}` expanded, and a
 * relative path taken from the workspace folder.
 */
export function expandPath(raw: string, env: Environment): string {
  const paths = pathModule(env.platform);
  let value = raw.replace(/\$\{userHome\}/g, env.home);
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    value = env.home + value.slice(1);
  }
  if (env.workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, env.workspaceFolder);
    if (!paths.isAbsolute(value) && /[\\/]/.test(value)) {
      value = paths.join(env.workspaceFolder, value);
    }
  }
  return value;
}

/** The names an executable may have on this platform. */
function executableNames(name: string, platform: string): string[] {
  return platform === "win32" ? [`${name}.exe`, `${name}.cmd`, `${name}.bat`, name] : [name];
}

/** The `asynclint` executable of a Python environment, given its interpreter. */
export function scriptBesideInterpreter(interpreter: string, env: Environment): string | undefined {
  const paths = pathModule(env.platform);
  const folder = paths.dirname(interpreter);
  // A venv's interpreter sits beside its scripts; a Windows base install keeps them in Scripts\.
  const folders = env.platform === "win32" ? [folder, paths.join(folder, "Scripts")] : [folder];
  for (const dir of folders) {
    for (const name of executableNames("asynclint", env.platform)) {
      const candidate = paths.join(dir, name);
      if (env.exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** `asynclint` in the workspace's `.venv` or `venv` folder. */
function workspaceScript(env: Environment): string | undefined {
  if (env.workspaceFolder === undefined) {
    return undefined;
  }
  const paths = pathModule(env.platform);
  const bin = env.platform === "win32" ? "Scripts" : "bin";
  for (const venv of [".venv", "venv"]) {
    for (const name of executableNames("asynclint", env.platform)) {
      const candidate = paths.join(env.workspaceFolder, venv, bin, name);
      if (env.exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The first `name` on the search path, as a shell would find it. */
export function findOnPath(name: string, env: Environment): string | undefined {
  const paths = pathModule(env.platform);
  const separator = env.platform === "win32" ? ";" : ":";
  for (const dir of env.searchPath.split(separator)) {
    if (dir === "") {
      continue;
    }
    for (const file of executableNames(name, env.platform)) {
      const candidate = paths.join(dir, file);
      if (env.exists(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * Which command starts the server, in this order (as ruff's extension looks for ruff):
 * 1. `asynclint.path`: the first entry that exists;
 * 2. `asynclint.interpreter`: `<python> -m asynclint server`;
 * 3. the Python extension's interpreter for the workspace, when asynclint is installed there;
 * 4. the workspace's `.venv` or `venv`;
 * 5. `asynclint` on PATH.
 * In an untrusted workspace only 5 is used: the others may run a program of the workspace.
 */
export function resolveServer(settings: Settings, env: Environment): Resolution {
  const notes: string[] = [];
  const done = (command: string, args: string[], why: string, follows = false): Resolution => {
    notes.push(`${why}: ${[command, ...args].join(" ")}`);
    return { server: { command, args, followsActiveInterpreter: follows }, notes };
  };

  if (!env.trusted) {
    notes.push("untrusted workspace: asynclint.path, asynclint.interpreter and the workspace's environments are not used");
  } else {
    for (const raw of settings.path) {
      const expanded = expandPath(raw, env);
      // A bare name ("asynclint") is looked up on PATH, as a shell would.
      const candidate = /[\\/]/.test(expanded) ? expanded : findOnPath(expanded, env);
      if (candidate !== undefined && env.exists(candidate)) {
        return done(candidate, ["server"], "asynclint.path");
      }
      notes.push(`asynclint.path: ${expanded} was not found`);
    }
    if (settings.interpreter.length > 0) {
      const [python, ...extra] = settings.interpreter;
      return done(expandPath(python, env), [...extra, "-m", "asynclint", "server"], "asynclint.interpreter");
    }
    if (env.activeInterpreter !== undefined) {
      const script = scriptBesideInterpreter(env.activeInterpreter, env);
      if (script !== undefined) {
        return done(script, ["server"], `the Python extension's interpreter ${env.activeInterpreter}`, true);
      }
      notes.push(`asynclint is not installed beside the Python extension's interpreter ${env.activeInterpreter}`);
    }
    const local = workspaceScript(env);
    if (local !== undefined) {
      return done(local, ["server"], "the workspace's environment");
    }
  }
  const onPath = findOnPath("asynclint", env);
  if (onPath !== undefined) {
    return done(onPath, ["server"], "PATH");
  }
  notes.push(
    "asynclint was not found: install it in the workspace's environment (pip install asynclint), or set asynclint.path or asynclint.interpreter",
  );
  return { server: undefined, notes };
}
