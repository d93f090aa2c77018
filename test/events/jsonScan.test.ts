import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cursor, hashOf, literal, NOT_READ, readScalar, readString } from '../../src/events/jsonScan';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

const Scalars = suite('readScalar');

/** What `JSON.parse` makes of the first `length` characters of `s`, or NOT_READ when it throws. */
function parsedPrefix(s: string, length: number): unknown {
  try {
    return JSON.parse(s.slice(0, length));
  } catch {
    return NOT_READ;
  }
}

Scalars('reads every number, plain ASCII string and literal as JSON.parse does, up to its end', () => {
  const plain = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '-', '~', '}', ',', ':') });
  const scalar = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true }), plain, fc.constantFrom(null, true, false, -0, 1e21, 5e-324));
  fc.assert(
    fc.property(scalar, fc.constantFrom(',', '}', '\n', ''), (value, next) => {
      const text = JSON.stringify(value);
      const read = readScalar(bytes(`${text}${next}`), 0);
      assert.ok(read !== NOT_READ, text);
      assert.ok(Object.is(read, JSON.parse(text)), text);
      assert.is(cursor.at, text.length);
    }),
    { numRuns: 5000, seed: 3 },
  );
});

Scalars('gives what JSON.parse gives for the text it read, on any arrangement of number characters', () => {
  const numberish = fc.string({ unit: fc.constantFrom('-', '+', '.', 'e', 'E', '0', '1', '9'), maxLength: 12 });
  fc.assert(
    fc.property(numberish, (s) => {
      const read = readScalar(bytes(s), 0);
      const whole = parsedPrefix(s, s.length);
      if (read === NOT_READ) {
        assert.is(whole, NOT_READ, `${s} is a number: it must be read`);
        return;
      }
      assert.ok(Object.is(read, parsedPrefix(s, cursor.at)), s);
      if (whole !== NOT_READ) assert.is(cursor.at, s.length, `${s}: the whole number`);
    }),
    { numRuns: 20000, seed: 4 },
  );
});

Scalars('declines what only JSON.parse reads: escapes, control and non-ASCII characters, arrays, objects, unfinished strings', () => {
  for (const s of ['"a\\"b"', '"\\u0041"', '"tab\there"', '"line\u0001"', '"é"', '"\u2028"', '[1]', '{"a":1}', '"open', '"open\n"', 'nul', 'True', '+1', '.5', '']) {
    assert.is(readScalar(bytes(s), 0), NOT_READ, JSON.stringify(s));
  }
});

Scalars.run();

const Strings = suite('readString');

Strings('gives each string its own value when strings share a hash, and the same object for a string read again', () => {
  assert.is(hashOf('Aa'), hashOf('BB'));
  const line = bytes('"Aa","BB","Aa","task-1","task-1"');
  const values: unknown[] = [];
  for (let i = 0; i < line.length; i = cursor.at + 1) values.push(readString(line, i + 1));
  assert.equal(values, ['Aa', 'BB', 'Aa', 'task-1', 'task-1']);
});

Strings('computes, while scanning, the hash hashOf gives', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '_', '-', '1', '~') }), (text) => {
      assert.is(readString(bytes(`${text}"`), 0), text);
      assert.is(cursor.hash, hashOf(text));
    }),
    { numRuns: 500, seed: 5 },
  );
});

Strings.run();

const Literals = suite('literal');

Literals('matches where startsWith does', () => {
  const text = fc.string({ unit: fc.constantFrom('"', 'a', 'b', ':', '{'), maxLength: 4 });
  fc.assert(
    fc.property(text, text, fc.nat(5), (t, s, i) => {
      assert.is(literal(t)(bytes(s), i), s.startsWith(t, i), `${t} in ${s} at ${i}`);
    }),
    { numRuns: 2000, seed: 6 },
  );
});

Literals.run();
