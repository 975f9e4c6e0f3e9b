/**
 * The Rust frontend: parses all files of the crates of a workspace together (function summaries are
 * workspace-wide), then lowers every function of the files asked for into the model's IR.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { AwaitAnnotation, EntryKind, EntryPointIR, FileModel, ParseError } from '../../model/ir';
import { describeError, failureNotice, noticesField } from '../../model/limits';
import type { SourceFile } from '../../model/source';
import { comparePos } from '../../text/positions';
import {
  buildCrateIndex,
  displayName,
  type CrateIndex,
  type FnInfo,
  type MacroExpansion,
  type ParsedFile,
} from './crate-index';
import type { KnownMacro } from './macro-items';
import { findGuards, guardLookup } from './guards';
import { mayAddToFileModel, maySpawn } from './file-lowering';
import { BodyLowerer } from './lower-body';
import type { Env, FileOut } from './lower-context';
import { createRustParser } from './parser-loader';
import { isTestOnly } from './resolve-fn';
import { isSchedulerTask, returnedAsyncBlock } from './scheduler-tasks';
import { summarise, type FnFacts, type SummaryMap } from './summaries';
import { markGeneratedKeys, setInstanceKeys } from './generated-keys';
import { computeSummaries, summariesOnDemand } from './summary-schedule';
import {
  addReads,
  ReadRecorder,
  recordingMaps,
  type FileReads,
  type FunctionOutputs,
  type RustModelStore,
} from './model-reuse';
import { allKids, field, rangeOf, type SyntaxNode } from './syntax';
import type { Tree } from 'web-tree-sitter';
import { markPhase } from '../../workspace/timings';
import { keepable, reuseIndexes } from './index-reuse';

export type { SourceFile };

export interface RustOptions {
  /** Paths (`my_crate::ledger::transfer`) or bare names whose futures perform an inter-canister call. */
  extraCallFunctions: string[];
  /** The crate's own name, so that `my_canister::api::f` inside it resolves to its own function. */
  crateName?: string | undefined;
  /** No other crate can depend on this one, so its traits have no impls elsewhere (see `rustCrateManifest`). */
  closed?: boolean;
  /** Paths of workspace modules that re-export all of ic-cdk (`orbit_essentials::cdk`). */
  cdkFacades?: string[];
  /** Project-specific entry-point attributes (last path segment → kind), beside ic-cdk's own. */
  entryAttributes?: Record<string, EntryKind>;
  /**
   * Parses a file, from a cache that outlives this analysis (the language server's): its trees are not
   * deleted here. Without it each file is parsed and its tree deleted at the end.
   */
  parseFile?: (crateDir: string, path: string, text: string) => Tree | null;
  /** Keeps file models between analyses (the language server's): a file is lowered only when it must be. */
  models?: RustModelStore;
}

const ENTRY_ATTRIBUTES: Record<string, EntryKind> = {
  update: 'update',
  query: 'query',
  init: 'init',
  pre_upgrade: 'pre-upgrade',
  post_upgrade: 'post-upgrade',
  heartbeat: 'heartbeat',
  inspect_message: 'inspect',
  on_low_wasm_memory: 'low-memory',
};

/** Attributes are siblings before the `function_item` in tree-sitter-rust, not its children. */
function entryKindOf(fnNode: SyntaxNode, extra: Record<string, EntryKind> = {}): EntryKind | undefined {
  for (let s = fnNode.previousSibling; s; s = s.previousSibling) {
    if (s.type === 'line_comment' || s.type === 'block_comment') continue;
    if (s.type !== 'attribute_item') break;
    const attr = allKids(s).find((k) => k.type === 'attribute');
    const path = attr ? allKids(attr)[0] : undefined;
    const name = path?.text.replace(/\s+/g, '').split('::').pop() ?? '';
    const kind = Object.hasOwn(ENTRY_ATTRIBUTES, name)
      ? ENTRY_ATTRIBUTES[name]
      : Object.hasOwn(extra, name)
        ? extra[name]
        : undefined;
    if (
      kind === 'query' &&
      attr &&
      /\bcomposite\s*=\s*true\b/.test(field(attr, 'arguments')?.text ?? attr.text)
    ) {
      return 'composite-query';
    }
    if (kind) return kind;
  }
  return undefined;
}

function parseErrors(file: ParsedFile): ParseError[] {
  const errors: ParseError[] = [];
  // An explicit stack: a syntax error at the bottom of a 10,000-deep file must not overflow the JavaScript one.
  const stack: SyntaxNode[] = [file.root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.isMissing) {
      errors.push({ range: rangeOf(file.lines, n), message: `Syntax error: expected \`${n.type}\` here` });
      continue;
    }
    if (n.isError) {
      const spot = errorSpot(n);
      errors.push({ range: rangeOf(file.lines, spot.node), message: spot.message });
      continue;
    }
    if (n.hasError) stack.push(...allKids(n).reverse());
  }
  return errors;
}

const OPENERS: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/**
 * Where to show an ERROR node. Tree-sitter wraps what it could not fit, which after an unclosed `{` can be the
 * whole file: the editor would paint every line red. A large ERROR is narrowed to the delimiter among its own
 * tokens that is never closed (the `{` being typed), else to its first token.
 */
function errorSpot(n: SyntaxNode): { node: SyntaxNode; message: string } {
  const oneLine = n.startPosition.row === n.endPosition.row;
  if (oneLine && n.endIndex - n.startIndex <= 40 && n.startIndex < n.endIndex)
    return { node: n, message: `Syntax error: unexpected \`${n.text.trim()}\`` };
  if (n.startIndex === n.endIndex) return { node: n, message: 'Syntax error: unexpected end of input' };
  const open: SyntaxNode[] = [];
  for (const k of allKids(n)) {
    if (Object.hasOwn(OPENERS, k.type)) open.push(k);
    else if (open.length && OPENERS[open[open.length - 1].type] === k.type) open.pop();
  }
  const unclosed = open.pop();
  if (unclosed) return { node: unclosed, message: `Syntax error: this \`${unclosed.type}\` is not closed` };
  let first = n;
  while (first.childCount > 0 && first.firstChild) first = first.firstChild;
  const shown = first.text.length > 40 ? `${first.text.slice(0, 37)}…` : first.text;
  return { node: first, message: `Syntax error: unexpected \`${shown}\`` };
}

/**
 * `fromSummary`: what lowering a function here would add, when its summary lowering made it already: nothing,
 * or its await annotations (see `file-lowering.ts`).
 * `kept`: the language server's outputs of functions kept from earlier analyses (see `FunctionOutputs`); `reads`
 * then collects the summaries and guards the file's lowering read, reused functions included.
 */
function fileModel(
  canister: string,
  file: ParsedFile,
  fns: FnInfo[],
  env: Env,
  entryAttributes: Record<string, EntryKind> | undefined,
  kept?: { outputs: FunctionOutputs; reads: FileReads },
  fromSummary?: (fn: FnInfo) => AwaitAnnotation[] | 'nothing' | undefined,
): FileModel {
  const out: FileOut = { nextId: 1, awaits: [], spawned: [], notices: [] };
  const entryPoints: EntryPointIR[] = [];
  for (const fn of fns) {
    const task = isSchedulerTask(fn);
    const kind = entryKindOf(fn.node, entryAttributes) ?? (task ? 'timer' : undefined);
    // Its summary lowering made all its file lowering would, but for await ids (see `file-lowering.ts`).
    const made = kind ? undefined : fromSummary?.(fn);
    if (made) {
      if (made !== 'nothing') out.awaits.push(...made);
      continue;
    }
    const firstId = out.nextId;
    const reused = kept?.outputs.reuseFunction(fn, firstId);
    if (reused) {
      out.nextId = reused.output.nextId;
      out.awaits.push(...reused.output.awaits);
      out.spawned.push(...reused.output.spawned);
      out.notices!.push(...reused.output.notices);
      if (reused.output.entry) entryPoints.push(reused.output.entry);
      addReads(kept!.reads, reused.reads);
      continue;
    }
    const marks = { awaits: out.awaits.length, spawned: out.spawned.length, notices: out.notices!.length };
    const reads: FileReads = { summaries: new Set(), guards: new Set() };
    try {
      const fnEnv = kept ? { ...env, ...recordingMaps(env.summaries, env.guards, reads) } : env;
      const lowerer = new BodyLowerer(fnEnv, file, out, displayName(fn), fn);
      if (task) lowerer.ownFutureBody = returnedAsyncBlock(fn);
      const facts = lowerer.lowerFunction(fn);
      markGeneratedKeys(facts.nodes);
      setInstanceKeys(out.spawned.slice(marks.spawned), facts.nodes);
      const entry: EntryPointIR | undefined = kind && {
        // A scheduler's task method is named with its type: `execute` alone says nothing.
        name: kind === 'timer' ? displayName(fn) : fn.name,
        kind,
        nameRange: fn.nameRange,
        range: rangeOf(file.lines, fn.node),
        params: fn.paramNames,
        ...(lowerer.callerNames.length ? { callerNames: lowerer.callerNames } : {}),
        body: facts.nodes,
      };
      if (entry) entryPoints.push(entry);
      if (kept) {
        const output = {
          nextId: out.nextId,
          awaits: out.awaits.slice(marks.awaits),
          spawned: out.spawned.slice(marks.spawned),
          notices: out.notices!.slice(marks.notices),
          ...(entry ? { entry } : {}),
        };
        kept.outputs.keepFunction(fn, firstId, output, reads);
      }
    } catch (err) {
      // Only this function is lost: drop what it had emitted and say so where it is declared.
      out.awaits.length = marks.awaits;
      out.spawned.length = marks.spawned;
      const what = kind ? `entry point \`${fn.name}\`` : `function \`${displayName(fn)}\``;
      out.notices!.push(failureNotice(fn.nameRange, what, err));
    }
    if (kept) addReads(kept.reads, reads);
  }
  const stateDecls = [...env.index.roots.values()]
    .filter((r) => r.file === file.path)
    .map((r) => ({ root: r.name, range: r.range }));
  return {
    file: file.path,
    language: 'rust',
    canister,
    parseErrors: parseErrors(file),
    entryPoints: [...entryPoints, ...out.spawned.sort((a, b) => comparePos(a.range.start, b.range.start))],
    awaits: out.awaits,
    stateDecls,
    ...noticesField(out.notices!),
  };
}

/** One crate of a workspace unit, with the files to analyse and the crates its code can name. */
export interface RustCrateInput {
  /** The crate's folder: models name it as their canister and show paths relative to it. */
  dir: string;
  files: SourceFile[];
  /** The crate's own name as code writes it. */
  name?: string | undefined;
  closed?: boolean;
  /** Path dependencies: the name its code writes → the `dir` of another input. */
  deps?: Map<string, string>;
  /** Files to report on (models are returned for these only); all of them when absent. */
  report?: Set<string>;
}

/**
 * Analyses all files of one crate; returns one model per file, in the order given. A failure in one function
 * or one file (an exception, a stack overflow) loses only that function or file, with a notice saying so.
 */
export async function analyzeRustCrate(
  canister: string,
  files: SourceFile[],
  options: RustOptions,
): Promise<FileModel[]> {
  return analyzeRustWorkspace(
    [{ dir: canister, files, name: options.crateName, closed: options.closed ?? false }],
    options,
  );
}

/**
 * Analyses the crates of one Cargo workspace together (SPEC §2): each crate has its own index and module
 * tree, a path headed by a dependency's name resolves into that crate, and the summaries are computed over
 * all of them at once. Returns the models of the files asked for (`report`), crate by crate.
 */
export async function analyzeRustWorkspace(
  crates: RustCrateInput[],
  options: Omit<RustOptions, 'crateName' | 'closed'>,
): Promise<FileModel[]> {
  const parser = await createRustParser();
  const failed = new Map<string, string>(); // path → why the file is not analysed
  const parseFile = options.parseFile;
  const trees: (Tree | null)[] = [];
  const parse = (crate: RustCrateInput, f: SourceFile): Tree | null => {
    try {
      const tree = parseFile ? parseFile(crate.dir, f.path, f.text) : parser.parse(f.text);
      if (!parseFile) trees.push(tree);
      if (!tree) failed.set(f.path, 'tree-sitter could not parse the file');
      return tree;
    } catch (err) {
      failed.set(f.path, `internal error while parsing (${describeError(err)})`);
      return null;
    }
  };
  // Macro arguments re-parsed as expressions, shared by all lowering rounds (same text, same tree).
  const snippets = new Map<string, Tree | null>();
  const parseSnippet = (text: string): SyntaxNode | undefined => {
    if (!snippets.has(text)) snippets.set(text, parser.parse(text));
    return snippets.get(text)?.rootNode;
  };
  try {
    const ordered = calleeCratesFirst(crates);
    // The previous analysis's indexes, while only function bodies that declare nothing changed (index-reuse.ts).
    const kept = options.models?.keptIndexes();
    const reused =
      kept &&
      reuseIndexes(
        kept,
        ordered.map((crate) => crate.files.map((f) => ({ ...f, root: parse(crate, f)?.rootNode }))),
      );
    const byDir = new Map<string, CrateIndex>();
    const indexes = ordered.map((crate, i) => {
      if (reused) return reused[i];
      const parsed = crate.files.flatMap((f) => {
        const tree = parse(crate, f);
        return tree
          ? [{ path: f.path, shownPath: shownPath(crate.dir, f.path), text: f.text, root: tree.rootNode }]
          : [];
      });
      const expansion = { parse: parseSnippet, imported: exportedMacros(crate, byDir) };
      const index = indexContained(parsed, crate.name, crate.closed ?? false, failed, expansion);
      byDir.set(crate.dir, index);
      return index;
    });
    ordered.forEach((crate, i) => {
      for (const [name, dir] of crate.deps ?? []) {
        const dep = byDir.get(dir);
        if (dep && dep !== indexes[i]) {
          indexes[i].deps.set(name, dep);
          if (!dep.dependents.includes(indexes[i])) dep.dependents.push(indexes[i]);
        }
      }
    });
    options.models?.keepIndexes(reused || keepable(indexes, failed.size) ? indexes : undefined, !!reused);
    markPhase('rust-parse-index');
    const bases = indexes.map((index): Env => ({
      index,
      summaries: new Map(),
      guards: new Map(),
      extraCallFunctions: options.extraCallFunctions,
      cdkFacades: withOwnFacades(options.cdkFacades ?? [], index.crateName),
      summaryMode: true,
      parseSnippet,
    }));
    const baseOf = new Map<ParsedFile, Env>();
    indexes.forEach((index, i) =>
      [...index.files, ...index.expansions].forEach((f) => baseOf.set(f, bases[i])),
    );
    // A function that constructs a guard sees it while summaries are computed: its summary says what it holds.
    const guardsNow = guardLookup(indexes);
    const allFns = indexes.flatMap((index) => index.fns);
    const store = options.models;
    store?.begin(allFns);
    // Functions whose summary lowering met a nesting limit or failed: lowered again for their file, to say so.
    const noisy = new Set<FnInfo>();
    // The await annotations of each function's latest summary lowering (the final one once summaries settle).
    const annotationsOf = new Map<FnInfo, AwaitAnnotation[]>();
    // A throw gives an empty summary (see `computeSummaries`).
    const lowerForSummary = (fn: FnInfo, current: SummaryMap): FnFacts => {
      const kept = store?.reuseFacts(fn, current);
      if (kept) return kept;
      const read = new Set<FnInfo>();
      // The summaries the guards are looked up from count as read too.
      const seen = store ? new ReadRecorder(current, read) : current;
      const out: FileOut = { nextId: 1, awaits: [], spawned: [], notices: [] };
      noisy.add(fn); // until this lowering is known not to fail
      annotationsOf.delete(fn);
      const facts = new BodyLowerer(
        { ...baseOf.get(fn.file)!, summaries: seen, guards: guardsNow(seen) },
        fn.file,
        out,
        displayName(fn),
        fn,
      ).lowerFunction(fn);
      if (!out.notices!.length) noisy.delete(fn);
      if (!store) annotationsOf.set(fn, out.awaits);
      store?.keepFacts(fn, facts, read, current);
      return facts;
    };
    // The command line settles a summary when something first reads it: a function no entry point or annotated
    // function reaches is never lowered. The language server, which keeps facts and outputs per function between
    // keystrokes, settles them all up front.
    const summaries = store
      ? computeSummaries(
          allFns,
          lowerForSummary,
          // Test code is only summarised when other code calls it; trait methods may be dispatched from anywhere.
          (fn) => !!fn.traitName || !isTestOnly(fn),
          (fn, facts) => store.summaryOf(fn, facts, summarise),
        )
      : summariesOnDemand(allFns, lowerForSummary);
    // What a function's file lowering would add, when its summary lowering made it already (see
    // `file-lowering.ts`); the language server, which keeps functions' outputs by their first await id, lowers
    // them all.
    const fromSummary = (fn: FnInfo): AwaitAnnotation[] | 'nothing' | undefined => {
      if (store || noisy.has(fn)) return undefined;
      if (!mayAddToFileModel(fn)) return 'nothing';
      return maySpawn(fn) ? undefined : annotationsOf.get(fn);
    };
    markPhase('rust-summaries');
    const guards = new Map(indexes.flatMap((index) => [...findGuards(index, summaries)]));
    store?.settled(summaries, guards);
    markPhase('rust-guards');
    const models = new Map<string, FileModel>();
    // Per file: the functions its model took from their summary lowering. One of them found noisy afterwards, or
    // lowered again since (first read by a lowering made later), has the file's model made again, so the result
    // does not depend on file order.
    const taken = new Map<ParsedFile, { fn: FnInfo; made: AwaitAnnotation[] | 'nothing' }[]>();
    const changedSince = ({ fn, made }: { fn: FnInfo; made: AwaitAnnotation[] | 'nothing' }) =>
      noisy.has(fn) || (made !== 'nothing' && annotationsOf.get(fn) !== made);
    const envs = indexes.map((_, i): Env => ({ ...bases[i], summaries, guards, summaryMode: false }));
    const fnsOf = groupBy(allFns, (f) => f.file);
    const makeModel = (dir: string, file: ParsedFile, env: Env): void => {
      const kept = store?.reuse(file.path, file.text);
      if (kept) {
        models.set(file.path, kept);
        return;
      }
      try {
        const reads: FileReads = { summaries: new Set(), guards: new Set() };
        const took: { fn: FnInfo; made: AwaitAnnotation[] | 'nothing' }[] = [];
        const model = fileModel(
          dir,
          file,
          // Test code never runs in the canister: it gets no annotations.
          (fnsOf.get(file) ?? []).filter((f) => !isTestOnly(f)),
          env,
          options.entryAttributes,
          store && { outputs: store, reads },
          (fn) => {
            const made = fromSummary(fn);
            if (made) took.push({ fn, made });
            return made;
          },
        );
        models.set(file.path, model);
        taken.set(file, took);
        store?.keep(file.path, file.text, model, reads);
      } catch (err) {
        models.delete(file.path);
        taken.delete(file); // not made again: it would fail again
        failed.set(file.path, `internal error in the Rust analysis (${describeError(err)})`);
      }
    };
    const reportedFiles = ordered.map((crate, i) =>
      indexes[i].files.filter((file) => !crate.report || crate.report.has(file.path)),
    );
    reportedFiles.forEach((files, i) => files.forEach((file) => makeModel(ordered[i].dir, file, envs[i])));
    for (let again = true; again;) {
      again = false;
      reportedFiles.forEach((files, i) =>
        files.forEach((file) => {
          if (!taken.get(file)?.some(changedSince)) return;
          again = true;
          makeModel(ordered[i].dir, file, envs[i]);
        }),
      );
    }
    const reported = ordered.flatMap((crate) =>
      crate.files
        .filter((f) => !crate.report || crate.report.has(f.path))
        .map((f) => models.get(f.path) ?? skippedRustFile(crate.dir, f.path, failed.get(f.path))),
    );
    markPhase('rust-models');
    return reported;
  } finally {
    if (!parseFile) trees.forEach((t) => t?.delete());
    snippets.forEach((t) => t?.delete());
    parser.delete();
  }
}

/**
 * The crate index, without the files that cannot be indexed: when indexing the crate fails, each file is
 * indexed alone to find the ones that fail, and the crate is indexed without them (they are skipped with the
 * reason). A failure that only happens with all files together still fails the crate.
 */
function indexContained(
  parsed: Parameters<typeof buildCrateIndex>[0],
  crateName: string | undefined,
  closed: boolean,
  failed: Map<string, string>,
  expansion: MacroExpansion,
): CrateIndex {
  try {
    return buildCrateIndex(parsed, crateName, closed, expansion);
  } catch {
    const fine = parsed.filter((f) => {
      try {
        buildCrateIndex([f], crateName, closed, expansion);
        return true;
      } catch (err) {
        failed.set(f.path, `internal error while indexing the crate (${describeError(err)})`);
        return false;
      }
    });
    return buildCrateIndex(fine, crateName, closed, expansion);
  }
}

/** The `#[macro_export]` macros of the crate's path dependencies (built before it), `$crate` named as it writes it. */
function exportedMacros(crate: RustCrateInput, built: Map<string, CrateIndex>): Map<string, KnownMacro> {
  const out = new Map<string, KnownMacro>();
  for (const [name, dir] of crate.deps ?? [])
    for (const [macro, known] of built.get(dir)?.macros ?? [])
      if (known.exported) out.set(macro, { ...known, crate: name });
  return out;
}

function skippedRustFile(canister: string, path: string, why = 'not analysed'): FileModel {
  return {
    file: path,
    language: 'rust',
    canister,
    parseErrors: [],
    skipped: why,
    entryPoints: [],
    awaits: [],
    stateDecls: [],
  };
}

function groupBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const same = out.get(key);
    if (same) same.push(item);
    else out.set(key, [item]);
  }
  return out;
}

/** Inside the crate that declares a facade (`my_utils::cdk`), code writes it `crate::cdk`. */
function withOwnFacades(facades: string[], crateName: string | undefined): string[] {
  const own = crateName
    ? facades.filter((f) => f.startsWith(`${crateName}::`)).map((f) => `crate${f.slice(crateName.length)}`)
    : [];
  return [...facades, ...own];
}

/** Dependencies before their dependents, so that one summary pass mostly sees callees already settled. */
function calleeCratesFirst(crates: RustCrateInput[]): RustCrateInput[] {
  const byDir = new Map(crates.map((c) => [c.dir, c]));
  const out: RustCrateInput[] = [];
  const seen = new Set<string>();
  const visit = (c: RustCrateInput): void => {
    if (seen.has(c.dir)) return;
    seen.add(c.dir);
    for (const dir of c.deps?.values() ?? []) {
      const dep = byDir.get(dir);
      if (dep) visit(dep);
    }
    out.push(c);
  };
  crates.forEach(visit);
  return out;
}

/**
 * Paths inside the crate are shown relative to it (`src/ledger.rs`); others as given. A relative path (sources
 * given relative to the working directory, as tests do) is placed the way the crate's folder was found.
 */
function shownPath(crate: string, path: string): string {
  if (!isAbsolute(crate)) return path;
  const rel = relative(crate, isAbsolute(path) ? path : resolve(path));
  return rel.startsWith('..') ? path : rel;
}
