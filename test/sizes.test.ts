/**
 * Small modules that do one thing (STYLE): no file of src/ over 400 lines, no function over 80 —
 * a function counted from its first line to its last, nested functions included.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { functionSpans, parseSource, sourceFiles } from './helpers/sourceFiles';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

/** Lines of a text as `wc -l` counts them (a last line without a newline counts too). */
const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

const sources = sourceFiles();

const Sizes = suite('sizes in src/');

Sizes(`no file over ${MAX_FILE_LINES} lines`, () => {
  const long = sources.filter((s) => lineCount(s.text) > MAX_FILE_LINES).map((s) => `${s.file}: ${lineCount(s.text)} lines`);
  assert.equal(long, [], `files over ${MAX_FILE_LINES} lines:\n  ${long.join('\n  ')}`);
});

Sizes(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
  const long = sources
    .flatMap(functionSpans)
    .filter((f) => f.lines > MAX_FUNCTION_LINES)
    .map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines} lines`);
  assert.equal(long, [], `functions over ${MAX_FUNCTION_LINES} lines:\n  ${long.join('\n  ')}`);
});

Sizes.run();

const Spans = suite('function spans');

Spans('measures every kind of function from its first line to its last, and names it', () => {
  const text = [
    'export function outer(): number {', // 1
    '  const inner = (a: number) => {', // 2
    '    return a;', // 3
    '  };', // 4
    '  return inner(1);', // 5
    '}', // 6
    'class K {', // 7
    '  constructor() {}', // 8
    '  method(): void {', // 9
    '    [1].map(function (x) { return x; });', // 10
    '  }', // 11
    '}', // 12
    'declare function bodiless(): void;', // 13
  ].join('\n');
  const spans = functionSpans(parseSource('k.ts', text)).map((f) => [f.name, f.line, f.lines]);
  assert.equal(spans, [
    ['outer', 1, 6],
    ['inner', 2, 3],
    ['constructor', 8, 1],
    ['method', 9, 3],
    ['<function at line 10 in method>', 10, 1],
  ]);
});

Spans('counts lines as wc -l does', () => {
  assert.is(lineCount('a\nb\n'), 2);
  assert.is(lineCount('a\nb'), 2);
  assert.is(lineCount(''), 0);
});

Spans.run();
