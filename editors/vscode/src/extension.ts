/**
 * The VS Code side of `asynclint server`: starts the server from the workspace's Python
 * environment, passes the `asynclint.*` settings on, and offers "Fix all", "Restart" and the
 * logs. Every decision lives in config.ts, which node tests without VS Code.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import {
  changeEffect,
  Environment,
  readSettings,
  resolveServer,
  SERVER_FIX_ALL_COMMAND,
  serverSettings,
  Settings,
} from "./config";

const NAME = "asynclint";
const PYTHON_EXTENSION = "ms-python.python";

/** The part of the Python extension's API used here (its `environments` object). */
interface PythonEnvironments {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

let output: vscode.LogOutputChannel;
let client: LanguageClient | undefined;
let followsActiveInterpreter = false;
let restarting: Promise<void> = Promise.resolve();

function currentSettings(): Settings {
  const section = vscode.workspace.getConfiguration(NAME);
  const { settings, problems } = readSettings((key) => section.get(key));
  problems.forEach((problem) => output.warn(problem));
  return settings;
}

async function pythonEnvironments(): Promise<PythonEnvironments | undefined> {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (extension === undefined) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments as PythonEnvironments | undefined;
  } catch (error) {
    output.warn(`the Python extension did not answer: ${error}`);
    return undefined;
  }
}

async function environment(): Promise<Environment> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const python = await pythonEnvironments();
  return {
    platform: process.platform,
    workspaceFolder: folder?.uri.fsPath,
    home: os.homedir(),
    trusted: vscode.workspace.isTrusted,
    activeInterpreter: python?.getActiveEnvironmentPath(folder?.uri)?.path,
    searchPath: process.env.PATH ?? "",
    exists: (path) => fs.existsSync(path),
  };
}

async function start(): Promise<void> {
  const settings = currentSettings();
  if (!settings.enable) {
    output.info("asynclint.enable is false: the server is not started");
    return;
  }
  const env = await environment();
  const { server, notes } = resolveServer(settings, env);
  notes.forEach((note) => output.info(note));
  if (server === undefined) {
    const choice = await vscode.window.showErrorMessage(
      "asynclint: the `asynclint` command was not found. Install asynclint in the workspace's environment, or set asynclint.path.",
      "Show logs",
    );
    if (choice !== undefined) {
      output.show();
    }
    return;
  }
  followsActiveInterpreter = server.followsActiveInterpreter;
  // No `transport`: with one, the client appends `--stdio` to the arguments, which
  // `asynclint server` (always stdio) does not take.
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    options: { cwd: env.workspaceFolder },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: serverSettings(settings),
  };
  client = new LanguageClient(NAME, "asynclint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    output.error(`the server did not start: ${error}`);
    client = undefined;
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop();
  }
}

/** Restarts one at a time: a burst of settings changes ends with one server running. */
function restart(): Promise<void> {
  restarting = restarting.then(stop).then(start, (error) => {
    output.error(`restart failed: ${error}`);
  });
  return restarting;
}

async function fixAll(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined || document.languageId !== "python") {
    vscode.window.showInformationMessage("asynclint: open a Python file to fix it.");
    return;
  }
  if (client === undefined) {
    vscode.window.showWarningMessage("asynclint: the server is not running (see the logs).");
    return;
  }
  // The server computes the edit and asks VS Code to apply it (workspace/applyEdit).
  await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_FIX_ALL_COMMAND,
    arguments: [{ uri: document.uri.toString(), version: document.version }],
  });
}

async function onSettingsChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  const effect = changeEffect((key) => event.affectsConfiguration(`${NAME}.${key}`));
  if (effect === "restart") {
    output.info("a setting that chooses the server changed: restarting");
    await restart();
  } else if (effect === "notify" && client !== undefined) {
    // Applied by the server at once, without a restart. Nested under the section name, as
    // VS Code's own settings sync sends them: the server then needs no round trip, even when
    // every rule setting is back to null.
    await client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [NAME]: serverSettings(currentSettings()) },
    });
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("asynclint", { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("asynclint.fixAll", fixAll),
    vscode.commands.registerCommand("asynclint.restart", restart),
    vscode.commands.registerCommand("asynclint.showLogs", () => output.show()),
    vscode.workspace.onDidChangeConfiguration(onSettingsChanged),
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
  );
  const python = await pythonEnvironments();
  const changed = python?.onDidChangeActiveEnvironmentPath;
  if (changed !== undefined) {
    context.subscriptions.push(
      changed(() => {
        if (followsActiveInterpreter) {
          output.info("the Python extension's interpreter changed: restarting");
          void restart();
        }
      }),
    );
  }
  await start();
}

export function deactivate(): Promise<void> {
  return stop();
}
