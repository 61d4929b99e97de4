// Structure metrics of issue 16 ("one house with clear rooms"), printed before and after a change:
// prepare() calls outside the store, files over 400 lines (and how many say why at the top),
// functions over 80 lines, and import cycles between folders. Read-only; `npm run -s metrics:structure`.
// The lists below are the only paths in this file: when folders move, change them here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Product source (tests and benchmarks are not counted). */
const SOURCE_ROOTS = ['apps/desktop/electron', 'apps/relay', 'packages', 'apps/desktop/renderer/src'];
/** The only folders that may prepare SQL statements (the client's store and the relay's). */
const STORE_DIRS = ['apps/desktop/electron/core/store', 'apps/relay/store'];
/**
 * Folders whose first-level subfolders are the nodes of the cycle check (files directly inside
 * count as the folder itself; a path belongs to its longest root, so electron/ipc is a node beside
 * electron/core's folders).
 */
const CYCLE_ROOTS = [
  'apps/desktop/electron/core',
  'apps/desktop/electron',
  'apps/relay',
  'packages/protocol',
  'packages/crypto',
  'packages/node-common',
  'apps/desktop/renderer/src',
];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.tsbuild', '.svelte-check']);
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
/** A file over the limit says why in its first lines: `// size: <reason>` (`<!-- size: <reason> -->` in Svelte markup). */
const SIZE_MARKER = /^\s*(\/\/|<!--)\s*size:\s*\S/;

const root = resolve(import.meta.dirname, '..');
const rel = (path: string) => relative(root, path).split(sep).join('/');
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Script {
  source: ts.SourceFile;
  /** Lines before the script's first line in the file (Svelte: the `<script>` tag's line). */
  lineOffset: number;
}

/** The TypeScript of a file: the whole of a .ts file, each `<script>` block of a .svelte file. */
function scriptsOf(path: string, text: string): Script[] {
  if (path.endsWith('.ts'))
    return [{ source: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true), lineOffset: 0 }];
  const scripts: Script[] = [];
  for (const match of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = match.index + match[0].indexOf('>') + 1;
    const lineOffset = text.slice(0, start).split('\n').length - 1;
    scripts.push({ source: ts.createSourceFile(`${path}.ts`, match[1]!, ts.ScriptTarget.Latest, true), lineOffset });
  }
  return scripts;
}

const lineOf = (source: ts.SourceFile, pos: number) => source.getLineAndCharacterOfPosition(pos).line;

function functionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (
    named.name &&
    (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name) || ts.isPrivateIdentifier(named.name))
  )
    return named.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name)))
    return parent.name.text;
  if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

interface FileFacts {
  path: string;
  lines: number;
  sizeReason: boolean;
  prepareCalls: number;
  longFunctions: Array<{ name: string; line: number; lines: number }>;
  imports: Array<{ target: string; typeOnly: boolean }>;
}

function factsOf(file: string): FileFacts {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const facts: FileFacts = {
    path: rel(file),
    lines: lines.length - (text.endsWith('\n') ? 1 : 0),
    sizeReason: lines.slice(0, 3).some((line) => SIZE_MARKER.test(line)),
    prepareCalls: 0,
    longFunctions: [],
    imports: [],
  };
  const addImport = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    facts.imports.push({ target: rel(resolve(dirname(file), specifier)), typeOnly });
  };
  for (const { source, lineOffset } of scriptsOf(file, text)) {
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'prepare'
      )
        facts.prepareCalls++;
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const length = lineOf(source, node.end) - lineOf(source, node.getStart(source)) + 1;
        if (length > MAX_FUNCTION_LINES)
          facts.longFunctions.push({
            name: functionName(node),
            line: lineOf(source, node.getStart(source)) + lineOffset + 1,
            lines: length,
          });
      }
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const typeOnly =
          !!clause &&
          (clause.isTypeOnly ||
            (!clause.name &&
              !!clause.namedBindings &&
              ts.isNamedImports(clause.namedBindings) &&
              clause.namedBindings.elements.every((e) => e.isTypeOnly)));
        addImport(node.moduleSpecifier.text, typeOnly);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
        addImport(node.moduleSpecifier.text, node.isTypeOnly);
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      )
        addImport(node.arguments[0].text, false);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return facts;
}

/** The cycle-check node a path belongs to: `<cycle root>/<first folder>`, or the root itself for its own files; null outside. */
function folderOf(path: string): string | null {
  const cycleRoot = CYCLE_ROOTS.filter((r) => under(path, r)).sort((a, b) => b.length - a.length)[0];
  if (!cycleRoot) return null;
  const rest = path.slice(cycleRoot.length + 1).split('/');
  return rest.length > 1 ? `${cycleRoot}/${rest[0]}` : cycleRoot;
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return found;
}

const roots = SOURCE_ROOTS.filter((r) => existsSync(join(root, r)));
const files = roots
  .flatMap((r) => walk(join(root, r), []))
  .map(factsOf)
  .sort((a, b) => a.path.localeCompare(b.path));

const outsideStore = files.filter((f) => f.prepareCalls > 0 && !STORE_DIRS.some((d) => under(f.path, d)));
const large = files.filter((f) => f.lines > MAX_FILE_LINES).sort((a, b) => b.lines - a.lines);
const longFunctions = files
  .flatMap((f) => f.longFunctions.map((fn) => ({ ...fn, path: f.path })))
  .sort((a, b) => b.lines - a.lines);

// Edges between folders, with the file imports behind each (to say what to move).
const graph = new Map<string, Set<string>>();
const edgeImports = new Map<string, Array<{ from: string; to: string; typeOnly: boolean }>>();
for (const file of files) {
  const from = folderOf(file.path);
  if (!from) continue;
  if (!graph.has(from)) graph.set(from, new Set());
  for (const imported of file.imports) {
    const to = folderOf(imported.target);
    if (!to || to === from) continue;
    graph.get(from)!.add(to);
    const key = `${from} -> ${to}`;
    edgeImports.set(key, [
      ...(edgeImports.get(key) ?? []),
      { from: file.path, to: imported.target, typeOnly: imported.typeOnly },
    ]);
  }
}
const components = cycles(graph);

const prepareTotal = outsideStore.reduce((sum, f) => sum + f.prepareCalls, 0);
console.log(`# Structure metrics (${roots.join(', ')}; ${files.length} files)\n`);
console.log(`prepare( outside ${STORE_DIRS.join(' and ')}: ${prepareTotal} calls in ${outsideStore.length} files`);
console.log(
  `files over ${MAX_FILE_LINES} lines: ${large.length}, ${large.filter((f) => f.sizeReason).length} of them with a "size:" reason at the top`,
);
console.log(`functions over ${MAX_FUNCTION_LINES} lines: ${longFunctions.length}`);
console.log(
  `folder cycles: ${components.length} (${components.reduce((sum, c) => sum + c.length, 0)} folders in them)`,
);

console.log(`\n## prepare( outside the store\n`);
for (const f of outsideStore) console.log(`${String(f.prepareCalls).padStart(4)}  ${f.path}`);

console.log(`\n## Files over ${MAX_FILE_LINES} lines\n`);
for (const f of large)
  console.log(`${String(f.lines).padStart(5)}  ${f.path}${f.sizeReason ? '  (size: reason given)' : ''}`);

console.log(`\n## Functions over ${MAX_FUNCTION_LINES} lines\n`);
for (const fn of longFunctions) console.log(`${String(fn.lines).padStart(5)}  ${fn.path}:${fn.line}  ${fn.name}`);

console.log(`\n## Folder cycles (first-level folders of ${CYCLE_ROOTS.join(', ')})\n`);
for (const component of components) {
  console.log(`- ${component.join(', ')}`);
  const members = new Set(component);
  for (const from of component) {
    for (const to of [...(graph.get(from) ?? [])].filter((t) => members.has(t)).sort()) {
      const imports = edgeImports.get(`${from} -> ${to}`)!;
      const typeOnly = imports.every((i) => i.typeOnly) ? ', types only' : '';
      const example = imports[0]!;
      console.log(
        `    ${from} -> ${to}: ${imports.length} import${imports.length === 1 ? '' : 's'}${typeOnly} (e.g. ${example.from} -> ${example.to})`,
      );
    }
  }
}
