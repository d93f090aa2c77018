import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { csvField } from '../../src/views/csvExport';

const Csv = suite('csvField');

Csv('quotes a field only when it holds a comma, a quote or a line break (RFC 4180)', () => {
  const cases: Array<[string | number | null, string]> = [
    ['plain', 'plain'],
    [3, '3'],
    [null, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
  ];
  for (const [value, expected] of cases) assert.is(csvField(value), expected, String(value));
});

Csv.run();
