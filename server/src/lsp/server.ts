/**
 * The language server: the only module that touches the LSP connection. It keeps the latest analysis per
 * canister (a Rust crate, a Motoko actor file) and answers diagnostics, hovers and inlay hints from it.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type Disposable,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SourceFile } from '../model/source';
import type { Finding } from '../rules/types';
import { analyzeSources, languageOf, type WorkspaceResult } from '../workspace/analyze';
import { MotokoParseCache } from '../workspace/motoko-parse-cache';
import { MotokoLoweringReuse } from '../languages/motoko/frontend/lowering-reuse';
import { RustTreeCache } from '../workspace/rust-tree-cache';
import { RustModelCache } from '../workspace/rust-model-cache';
import { AnalysisReuse } from '../workspace/analysis-reuse';
import { SOURCE_WATCH_GLOBS, SourceIndex } from './source-index';
import { diagnosticsFor, uriOf } from './diagnostics';
import { suppressionActions } from './suppress-action';
import {
  CommitPointsNotifications,
  CommitPointsRequests,
  type AnalysisSummary,
  type SimulateParams,
  type SimulateResult,
} from '../protocol';
import { ProjectConfigs } from './project-configs';
import { defaultSettings, readSettings, type Settings } from './settings';
import { Debouncer } from './debounce';
import { memoryIsTight } from './memory';
import { DiagnosticsPublisher } from './publish';
import { DiagnosticsMemo } from './diagnostics-memo';
import { LastGoodAnalyses } from './last-good';
import {
  codeLensesShown,
  hoverShown,
  inlayHintsShown,
  movedSimulation,
  quickFixesShown,
} from './last-good-views';
import { simulateIn } from './simulate-request';
import { readClientOptions } from './client-options';
import { StatusReporter } from './status';
import { ruleDocLink } from './rule-links';
import { EditorBaseline, baselineWatchGlob } from './editor-baseline';
import { endTimings, markPhase, startTimings } from '../workspace/timings';

/** Findings by their file, in their order. */
function findingsByFile(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = out.get(f.file);
    if (list) list.push(f);
    else out.set(f.file, [f]);
  }
  return out;
}

export function pathOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const results = new Map<string, WorkspaceResult>(); // group key → result
  const groupOfFile = new Map<string, string>();
  const publisher = new DiagnosticsPublisher((uri, diagnostics) =>
    connection.sendDiagnostics({ uri, diagnostics }),
  );
  const diagnosticsMemo = new DiagnosticsMemo();
  // Diagnostics 200 ms after typing pauses, and at least every 500 ms while it goes on.
  const debouncer = new Debouncer(200, 500);
  // Parse results of unchanged files are reused from one analysis to the next.
  const rustTrees = new RustTreeCache();
  // Models of files whose lowering would come out the same, and summary facts, too (rust-model-cache.ts).
  const rustModels = new RustModelCache();
  // Crate folders, their files and the texts on disk, kept while the client reports changes to them.
  const sources = new SourceIndex();
  const motokoParses = new MotokoParseCache();
  const motokoLowerings = new MotokoLoweringReuse();
  // Entry points an edit did not change keep their analysis and findings.
  const analysisReuse = new AnalysisReuse();
  // While a file has syntax errors, its unchanged methods keep the results of its last good analysis.
  const lastGood = new LastGoodAnalyses();
  let settings: Settings = defaultSettings;
  // Analyses wait for the client's settings (the first one starts as the file opens, before they arrive).
  let settingsReady: Promise<void> = Promise.resolve();
  let workspaceRoot: string | undefined;
  const baseline = new EditorBaseline((m) => connection.console.warn(m));
  let canAskConfig = false;
  let canRefresh = { inlayHints: false, codeLens: false };
  let canWatchFiles = false;
  const projectConfigs = new ProjectConfigs(connection);
  let clientOptions = readClientOptions(undefined);
  const status = new StatusReporter(
    (s) => {
      if (clientOptions.statusNotifications)
        connection.sendNotification(CommitPointsNotifications.status, s).catch(() => {});
    },
    (m) => connection.console.log(m),
  );

  const textOf = (path: string): string | undefined => {
    const open = documents.get(uriOf(path));
    if (open) return open.getText();
    return sources.diskText(path);
  };

  /** The files analysed together with `path`, and the key of that group. */
  const groupFor = (path: string): { key: string; files: string[] } => {
    if (languageOf(path) === 'rust' && path.startsWith('/')) {
      const crate = sources.crateOf(path);
      const files = sources.filesOf(crate);
      return { key: `rust:${crate}`, files: files.includes(path) ? files : [...files, path] };
    }
    return { key: `file:${path}`, files: [path] };
  };

  const generation = new Map<string, number>(); // group → latest analysis started

  const analyzeGroup = async (path: string) => {
    await settingsReady;
    startTimings(path);
    const { key, files } = groupFor(path);
    const mine = (generation.get(key) ?? 0) + 1;
    generation.set(key, mine);
    if (results.has(key) && memoryIsTight()) {
      // Not enough room for the old result and the new one: requests wait for the new one meanwhile.
      results.delete(key);
      lastGood.dropAnalyses(files);
      for (const f of files) if (groupOfFile.get(f) === key) awaitFirst(f);
    }
    const sources: SourceFile[] = [];
    for (const f of files) {
      const text = textOf(f);
      if (text !== undefined) sources.push({ path: f, text });
    }
    markPhase('texts');
    const result = await analyzeSources(sources, {
      maxFileSize: settings.maxFileSize,
      memoryBudgetMB: settings.memoryBudgetMB,
      extraCallFunctions: settings.extraCallFunctions,
      readFile: textOf,
      rustTrees,
      rustModels,
      motokoParses,
      motokoLowerings,
      analysisReuse,
      onInternalError: (where, err) => connection.console.error(`internal error in ${where}: ${String(err)}`),
      config: projectConfigs.configFor(path),
    });
    // A later edit started a newer analysis of this group while this one ran: its result wins.
    if (generation.get(key) !== mine) return endTimings();
    results.set(key, result);
    for (const file of result.files) groupOfFile.set(file.file, key);
    const groupHasErrors = result.files.some((f) => f.parseErrors.length > 0);
    const textsAnalysed = new Map(sources.map((s) => [s.path, s.text]));
    const findingsOf = findingsByFile(result.findings);
    const shownDiagnostics = result.files.map((file) => {
      const text = textsAnalysed.get(file.file);
      const mine = findingsOf.get(file.file) ?? [];
      const findings = text === undefined ? mine : lastGood.record(file, text, result, groupHasErrors, mine);
      // Split only when a baseline asks for a finding's line: most files of a crate have no findings.
      let lines: string[] | undefined;
      const known = baseline.filter(
        findings.filter((f) => f.file === file.file),
        settings.baseline,
        workspaceRoot,
        (f) => (lines ??= text?.split('\n'))?.[f.range.start.line],
      );
      const shown = settings.infoDiagnostics ? known : known.filter((f) => f.severity !== 'info');
      const uri = uriOf(file.file);
      return [
        uri,
        diagnosticsMemo.get(uri, file, shown, (perFinding) =>
          diagnosticsFor(file, shown, (rule) => ruleDocLink(rule, clientOptions.ruleDocCommand), perFinding),
        ),
      ] as [string, Diagnostic[]];
    });
    markPhase('diagnostics');
    await publisher.publish(key, shownDiagnostics);
    markPhase('publish');
    endTimings();
    // The client asked for hints and lenses when the text changed, before this analysis was done, and got the
    // previous one's: ask it to pull them again.
    refreshPulled().catch((err: unknown) => connection.console.error(`refresh: ${String(err)}`));
  };

  /** Asks the client to pull inlay hints and code lenses again (they are not pushed like diagnostics). */
  const refreshPulled = async () => {
    if (canRefresh.inlayHints) await connection.languages.inlayHint.refresh();
    if (canRefresh.codeLens) await connection.sendRequest('workspace/codeLens/refresh');
  };

  // Requests that arrive before a file's first analysis wait for it instead of answering "nothing here" (a
  // hover right after opening a file would otherwise stay empty until the mouse moves again).
  const firstAnalysis = new Map<string, { done: Promise<void>; resolve: () => void }>();
  const awaitFirst = (path: string) => {
    let w = firstAnalysis.get(path);
    if (!w) {
      let resolve = () => {};
      const done = new Promise<void>((r) => (resolve = r));
      firstAnalysis.set(path, (w = { done, resolve }));
    }
    return w;
  };

  // One analysis per file at a time: a request made while one runs starts another when it ends (typing
  // faster than the analysis gets one result per analysis, not a pile of stale ones).
  const running = new Set<string>();
  const again = new Set<string>();
  const run = (path: string) => {
    if (running.has(path)) {
      again.add(path);
      return;
    }
    running.add(path);
    status
      .track(path, () => analyzeGroup(path))
      .catch((err: unknown) => connection.console.error(`analysis failed for ${path}: ${String(err)}`))
      .finally(() => {
        running.delete(path);
        // Everything analysed with it (and the file itself, even if the analysis failed) is settled.
        for (const [p, w] of firstAnalysis)
          if (p === path || resultFor(uriOf(p))) {
            w.resolve();
            firstAnalysis.delete(p);
          }
        if (again.delete(path)) run(path);
      });
  };

  const schedule = (uri: string, delay?: number) => {
    const path = pathOf(uri);
    if (!languageOf(path)) return;
    if (!resultFor(uri)) awaitFirst(path);
    debouncer.schedule(path, () => run(path), delay);
  };

  const resultFor = (uri: string) => {
    const path = pathOf(uri);
    const key = groupOfFile.get(path);
    const result = key ? results.get(key) : undefined;
    return result ? { path, result } : undefined;
  };

  /** The file's analysis, waiting for the first one when it is scheduled or running. */
  const analysedResultFor = async (uri: string) => {
    const pending = firstAnalysis.get(pathOf(uri));
    if (!resultFor(uri) && pending) await pending.done;
    return resultFor(uri);
  };

  // The baseline file is watched too, so that `check --write-baseline` run again updates the editor.
  let baselineWatch: { glob: string; registration: Promise<Disposable> } | undefined;
  const watchBaseline = () => {
    const glob = canWatchFiles ? baselineWatchGlob(settings.baseline) : undefined;
    if (baselineWatch?.glob === glob) return;
    const old = baselineWatch?.registration;
    old?.then((d) => d.dispose()).catch(() => undefined);
    baselineWatch = glob
      ? {
          glob,
          registration: connection.client.register(DidChangeWatchedFilesNotification.type, {
            watchers: [{ globPattern: glob }],
          }),
        }
      : undefined;
    baselineWatch?.registration.catch((err: unknown) =>
      connection.console.error(`watching the baseline ${glob}: ${String(err)}`),
    );
  };
  const loadSettings = async () => {
    if (!canAskConfig) return;
    const [cfg] = (await connection.workspace.getConfiguration([{ section: 'commitPoints' }])) as [unknown];
    settings = readSettings(cfg);
    watchBaseline();
  };

  connection.onInitialize((params): InitializeResult => {
    canAskConfig = params.capabilities.workspace?.configuration === true;
    clientOptions = readClientOptions(params.initializationOptions);
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    workspaceRoot = rootUri ? pathOf(rootUri) : (params.rootPath ?? undefined);
    sources.root = workspaceRoot;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canRefresh = {
      inlayHints: params.capabilities.workspace?.inlayHint?.refreshSupport === true,
      codeLens: params.capabilities.workspace?.codeLens?.refreshSupport === true,
    };
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'commit-points' },
    };
  });
  connection.onInitialized(() => {
    const loaded = loadSettings().catch((err: unknown) =>
      connection.console.error(`settings: ${String(err)}`),
    );
    // A client that never answers must not stop the analysis: after 2 s it starts with the defaults.
    settingsReady = Promise.race([loaded, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
    // The client reports changes of the project file, which change the findings of every open file, and of
    // the sources, so that the crate's files and texts are kept between keystrokes.
    if (canWatchFiles)
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: ['**/commit-points.toml', ...SOURCE_WATCH_GLOBS].map((globPattern) => ({ globPattern })),
        })
        .then(() => (sources.watched = true))
        .catch((err: unknown) => connection.console.error(`watching files: ${String(err)}`));
  });
  connection.onDidChangeConfiguration(() => {
    loadSettings()
      .then(async () => {
        documents.all().forEach((d) => schedule(d.uri, 0));
        // Hints and lenses are pulled by the client: ask it to pull again so that turning them off shows.
        await refreshPulled();
      })
      .catch((err: unknown) => connection.console.error(`settings: ${String(err)}`));
  });
  // A changed `commit-points.toml` or baseline (watched by the client) changes every open file's findings.
  connection.onDidChangeWatchedFiles((params) => {
    sources.changed(
      params.changes.map((c) => ({
        path: pathOf(c.uri),
        kind:
          c.type === FileChangeType.Created
            ? 'created'
            : c.type === FileChangeType.Deleted
              ? 'deleted'
              : 'changed',
      })),
    );
    documents.all().forEach((d) => schedule(d.uri, 0));
  });

  // Opening also fires a content change, which would push the immediate analysis back by the typing delay.
  const opening = new Set<string>();
  documents.onDidOpen((e) => {
    opening.add(e.document.uri);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (!opening.delete(e.document.uri)) schedule(e.document.uri);
  });
  documents.onDidSave((e) => schedule(e.document.uri, 0));

  connection.onHover(async (params) => {
    const hit = await analysedResultFor(params.textDocument.uri);
    if (!hit) return null;
    const md = hoverShown(hit.result, hit.path, params.position, lastGood.viewOf(hit.path));
    return md ? { contents: { kind: 'markdown', value: md } } : null;
  });

  connection.onCodeLens(async (params) => {
    if (!settings.codeLens) return [];
    const hit = await analysedResultFor(params.textDocument.uri);
    if (!hit) return [];
    const { uri } = params.textDocument;
    return codeLensesShown(hit.result, hit.path, uri, clientOptions.commandLenses, lastGood.viewOf(hit.path));
  });

  connection.onCodeAction((params) => {
    const hit = resultFor(params.textDocument.uri);
    const text = hit ? textOf(hit.path) : undefined;
    if (!hit || text === undefined) return [];
    return [
      ...quickFixesShown(
        hit.result,
        hit.path,
        params.textDocument.uri,
        text,
        params.context.diagnostics,
        lastGood.viewOf(hit.path),
      ),
      ...suppressionActions(params.textDocument.uri, text, params.context.diagnostics),
    ];
  });

  connection.languages.inlayHint.on(async (params) => {
    if (!settings.inlayHints) return [];
    const hit = await analysedResultFor(params.textDocument.uri);
    if (!hit) return [];
    return inlayHintsShown(hit.result, hit.path, textOf(hit.path), lastGood.viewOf(hit.path));
  });

  connection.onRequest(
    CommitPointsRequests.summary,
    async (params: { uri: string }): Promise<AnalysisSummary | null> => {
      const hit = await analysedResultFor(params.uri);
      if (!hit) return null;
      const entries = hit.result.analysis.entryPoints.filter((e) => e.file === hit.path);
      return {
        file: hit.path,
        entryPoints: entries.map((e) => ({
          name: e.ir.name,
          kind: e.ir.kind,
          segments: e.segments.length,
          commitPoints: e.commitPoints.map((cp) => ({
            line: cp.await.range.start.line,
            kind: cp.await.commit,
            reason: cp.await.reason,
            interleavers: cp.touching.map((i) => i.entry.ir.name),
          })),
        })),
        findings: hit.result.findings.filter((f) => f.file === hit.path).length,
      };
    },
  );

  connection.onRequest(
    CommitPointsRequests.simulate,
    async (params: SimulateParams): Promise<SimulateResult> => {
      const hit = await analysedResultFor(params.uri);
      if (!hit) return { error: 'This file has not been analysed yet.' };
      // Outside the edited method of a file with errors, the last good analysis is the whole, consistent model.
      const view = lastGood.viewOf(hit.path);
      const oldLine =
        params.line === undefined ? undefined : view?.edit.back({ line: params.line, character: 0 });
      if (view && (params.line === undefined || oldLine))
        return movedSimulation(
          simulateIn(view.result, hit.path, { ...params, line: oldLine?.line }),
          hit.path,
          view.edit,
        );
      return simulateIn(hit.result, hit.path, params);
    },
  );

  documents.listen(connection);
  connection.listen();
}
