/**
 * The TypeScript files of `src/`, parsed with the compiler API, for the tests that hold the
 * shape of the code (the import flow, the size of files and functions).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const SRC = path.resolve(__dirname, '..', '..', 'src');

export interface SourceFile {
  /** Path under `src/`, with `/` (`pipeline/processor.ts`). */
  readonly file: string;
  readonly text: string;
  readonly ast: ts.SourceFile;
}

/** Every `.ts` file under `dir` (default `src/`), sorted. */
export function sourceFiles(dir = SRC): SourceFile[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) found.push(full);
    }
  };
  walk(dir);
  return found.sort().map((full) => {
    const file = path.relative(dir, full).split(path.sep).join('/');
    return parseSource(file, fs.readFileSync(full, 'utf8'));
  });
}

/** One file's text, parsed. */
export function parseSource(file: string, text: string): SourceFile {
  return { file, text, ast: ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS) };
}

/** The specifiers a file imports: `import`, `import type`, `export … from`, `import()` and `require()`. */
export function importSpecifiers(source: SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const arg = node.arguments[0];
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && arg !== undefined && ts.isStringLiteral(arg)) found.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source.ast);
  return found;
}

/**
 * The file of `src/` a relative specifier of `from` names (`pipeline/inputs.ts`), or null for a
 * package or a file outside `src/` (`../../package.json`).
 */
function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (known.has(candidate)) return candidate;
  return null;
}

/** `file → files of src/ it imports`, for every file of src/. */
export function importGraph(sources: readonly SourceFile[]): Map<string, string[]> {
  const known = new Set(sources.map((s) => s.file));
  const graph = new Map<string, string[]>();
  for (const source of sources) {
    const targets = importSpecifiers(source)
      .map((spec) => resolveImport(source.file, spec, known))
      .filter((t): t is string => t !== null);
    graph.set(source.file, [...new Set(targets)].sort());
  }
  return graph;
}

/** The circles of files: strongly connected components of more than one file, or a file importing itself. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for a source tree (depth = longest import chain).
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indexOf.get(w) as number));
      }
    }
    if (low.get(v) !== indexOf.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) connect(v);
  return found;
}

export interface FunctionSpan {
  readonly file: string;
  /** The function's name, or where it is (`<arrow at 42>`). */
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

/** Every function of a file (declarations, methods, constructors, accessors, arrows, expressions) with its length in lines. */
export function functionSpans(source: SourceFile): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  const lineOf = (pos: number): number => source.ast.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node, within: string | null): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const line = lineOf(node.getStart(source.ast));
      const name = functionName(node, line, within);
      spans.push({ file: source.file, name, line, lines: lineOf(node.getEnd()) - line + 1 });
      ts.forEachChild(node, (child) => visit(child, name));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, within));
  };
  visit(source.ast, null);
  return spans;
}

function functionName(node: ts.SignatureDeclaration, line: number, within: string | null): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name !== undefined && ts.isIdentifier(node.name)) return node.name.text;
  // An arrow or function expression takes the name of what it is assigned to.
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return `<function at line ${line}${within !== null ? ` in ${within}` : ''}>`;
}
