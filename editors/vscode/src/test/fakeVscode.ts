/**
 * A stand-in for the `vscode` module, so that the built extension (dist/extension.js) runs under
 * node with the real language client and the real `asynclint server`. Real where the extension
 * and the client compute with values (URIs, ranges, documents, settings, events, edits); a
 * recording no-op for the rest of the API (providers registered, status items, ...).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */

function inert(name: string): any {
  const target = function () {
    /* inert */
  };
  return new Proxy(target, {
    get(_target, property) {
      if (property === Symbol.toPrimitive) {
        return () => name;
      }
      if (property === Symbol.iterator) {
        return function* () {
          /* nothing */
        };
      }
      if (property === "then") {
        return undefined; // not a promise
      }
      return inert(`${name}.${String(property)}`);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}

/** `base`, answering anything it lacks with an inert stand-in. */
function partial<T extends object>(name: string, base: T): T {
  return new Proxy(base, {
    get: (target, property) => {
      if (property in target) {
        return (target as any)[property];
      }
      return property === "then" ? undefined : inert(`${name}.${String(property)}`);
    },
  });
}

export class Disposable {
  constructor(private readonly onDispose?: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    this.onDispose?.();
  }
}

export class EventEmitter<T> {
  private listeners: ((value: T) => unknown)[] = [];
  readonly event = (listener: (value: T) => unknown): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };
  fire(value: T): void {
    this.listeners.forEach((listener) => listener(value));
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  readonly authority = "";
  readonly query = "";
  readonly fragment = "";
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): Uri {
    return new Uri("file", path);
  }
  static parse(text: string): Uri {
    return text.startsWith("file://") ? Uri.file(decodeURIComponent(text.slice("file://".length))) : new Uri(text.split(":")[0], text.slice(text.indexOf(":") + 1));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return this.scheme === "file" ? `file://${this.path.split("/").map(encodeURIComponent).join("/")}` : `${this.scheme}:${this.path}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === "number" ? new Position(a, b as number) : a;
    this.end = typeof a === "number" ? new Position(c as number, d as number) : (b as Position);
  }
}

export class Diagnostic {
  code: unknown;
  source: string | undefined;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity?: number,
  ) {}
}

export class TextEdit {
  constructor(
    readonly range: Range,
    readonly newText: string,
  ) {}
  static replace(range: Range, newText: string): TextEdit {
    return new TextEdit(range, newText);
  }
}

export interface RecordedEdit {
  uri: string;
  range: Range;
  newText: string;
}

export class WorkspaceEdit {
  readonly edits: RecordedEdit[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push({ uri: uri.toString(), range, newText });
  }
  insert(uri: Uri, position: Position, newText: string): void {
    this.replace(uri, new Range(position, position), newText);
  }
  delete(uri: Uri, range: Range): void {
    this.replace(uri, range, "");
  }
  set(uri: Uri, edits: TextEdit[]): void {
    edits.forEach((edit) => this.replace(uri, edit.range, edit.newText));
  }
}

export class CancellationTokenSource {
  readonly token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable() };
  cancel(): void {}
  dispose(): void {}
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind("");
  static readonly QuickFix = new CodeActionKind("quickfix");
  static readonly Source = new CodeActionKind("source");
  static readonly SourceFixAll = new CodeActionKind("source.fixAll");
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
}

export class TabInputText {
  constructor(readonly uri: Uri) {}
}
export class TabInputTextDiff {}
export class TabInputCustom {}

export interface FakeDocument {
  uri: Uri;
  fileName: string;
  languageId: string;
  version: number;
  isClosed: boolean;
  isDirty: boolean;
  isUntitled: boolean;
  getText(): string;
}

/** What the extension did, for the test to read, and the levers the test pulls. */
export class Editor {
  folder = "/";
  trusted = true;
  settings: Record<string, unknown> = {};
  readonly documents: FakeDocument[] = [];
  readonly commands = new Map<string, (...args: any[]) => unknown>();
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly applied: WorkspaceEdit[] = [];
  readonly log: string[] = [];
  readonly shown: string[] = [];
  readonly opened = new EventEmitter<FakeDocument>();
  readonly configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

  open(file: string, text: string): FakeDocument {
    const document: FakeDocument = {
      uri: Uri.file(file),
      fileName: file,
      languageId: "python",
      version: 1,
      isClosed: false,
      isDirty: false,
      isUntitled: false,
      getText: () => text,
    };
    this.documents.push(document);
    this.opened.fire(document);
    return document;
  }

  /** Change settings as the user does in the settings editor. */
  change(settings: Record<string, unknown>): void {
    const changed = Object.keys(settings).map((key) => `asynclint.${key}`);
    Object.assign(this.settings, settings);
    this.configurationChanged.fire({
      affectsConfiguration: (section) => changed.some((key) => key === section || key.startsWith(`${section}.`)),
    });
  }

  async run(command: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.commands.get(command);
    if (handler === undefined) {
      throw new Error(`no command ${command}`);
    }
    return handler(...args);
  }

  /** The `vscode` module the extension and the language client see. */
  module(): any {
    const editor = this;
    const channel = (name: string) => {
      const line = (level: string) => (message: string) => editor.log.push(`${level} ${message}`);
      return partial("channel", {
        name,
        info: line("info"),
        warn: line("warn"),
        error: line("error"),
        debug: line("debug"),
        trace: line("trace"),
        append: line("out"),
        appendLine: line("out"),
        show: () => undefined,
        dispose: () => undefined,
      });
    };
    const say = (kind: string) => async (message: string) => {
      editor.shown.push(`${kind}: ${message}`);
      return undefined;
    };
    return partial("vscode", {
      version: "1.90.0",
      Disposable,
      EventEmitter,
      Uri,
      Position,
      Range,
      Diagnostic,
      TextEdit,
      WorkspaceEdit,
      CancellationTokenSource,
      CodeActionKind,
      TabInputText,
      TabInputTextDiff,
      TabInputCustom,
      DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
      workspace: partial("workspace", {
        get workspaceFolders() {
          return [{ uri: Uri.file(editor.folder), name: "workspace", index: 0 }];
        },
        get isTrusted() {
          return editor.trusted;
        },
        get textDocuments() {
          return editor.documents;
        },
        // `getConfiguration("asynclint").get("ignore")`, or `getConfiguration().get("asynclint")`
        // for the whole section (as the client answers the server's workspace/configuration).
        getConfiguration: (section?: string) => ({
          ...editor.settings,
          get: (key: string, fallback?: unknown) =>
            section === undefined && key === "asynclint" ? { ...editor.settings } : key in editor.settings ? editor.settings[key] : fallback,
          has: (key: string) => key in editor.settings,
          inspect: () => undefined,
          update: async () => undefined,
        }),
        onDidOpenTextDocument: editor.opened.event,
        onDidChangeConfiguration: editor.configurationChanged.event,
        applyEdit: async (edit: WorkspaceEdit) => {
          editor.applied.push(edit);
          return true;
        },
      }),
      window: partial("window", {
        createOutputChannel: channel,
        get activeTextEditor() {
          const document = editor.documents[editor.documents.length - 1];
          return document === undefined ? undefined : { document };
        },
        visibleTextEditors: [],
        tabGroups: {
          get all() {
            return [{ tabs: editor.documents.map((d) => ({ input: new TabInputText(d.uri) })) }];
          },
          onDidChangeTabs: () => new Disposable(),
        },
        showErrorMessage: say("error"),
        showWarningMessage: say("warning"),
        showInformationMessage: say("info"),
      }),
      commands: partial("commands", {
        registerCommand: (id: string, handler: (...args: any[]) => unknown) => {
          editor.commands.set(id, handler);
          return new Disposable(() => editor.commands.delete(id));
        },
        executeCommand: async (id: string, ...args: unknown[]) => editor.commands.get(id)?.(...args),
      }),
      languages: partial("languages", {
        createDiagnosticCollection: (name: string) =>
          partial("diagnostics", {
            name,
            set: (uri: Uri, diagnostics: Diagnostic[] | undefined) => {
              editor.diagnostics.set(uri.toString(), diagnostics ?? []);
            },
            delete: (uri: Uri) => {
              editor.diagnostics.delete(uri.toString());
            },
            clear: () => editor.diagnostics.clear(),
            get: (uri: Uri) => editor.diagnostics.get(uri.toString()) ?? [],
            dispose: () => undefined,
          }),
        match: (_selector: unknown, document: FakeDocument) => (document.languageId === "python" ? 10 : 0),
      }),
      env: partial("env", { appName: "Visual Studio Code (stand-in)", language: "en", machineId: "test", sessionId: "test" }),
      extensions: { getExtension: () => undefined, all: [] },
      l10n: { t: (message: string | { message: string }) => (typeof message === "string" ? message : message.message) },
    });
  }
}
