/**
 * Colour or monochrome (NO_COLOR, --no-color). Both themes draw the same characters — bars are
 * `█` cells, the selected row is inverse, stalled workers read `STALLED` — so nothing depends on
 * colour alone; colour only adds hue. Pure: it produces blessed markup and style objects.
 */
import { printable } from '../../events/printable';
import type { Segment } from './viewModel';
import type { TablePainter, Tone } from './table';

export interface Theme {
  readonly color: boolean;
  /** Text in blessed markup for a tone (already escaped). */
  readonly tone: (text: string, tone: Tone) => string;
  readonly table: TablePainter;
  /** blessed style of a boxed panel. */
  readonly panelStyle: Record<string, unknown>;
  /** blessed-contrib line chart colours. */
  readonly line: { readonly line: string; readonly text: string; readonly baseline: string };
}

/**
 * Data into blessed markup: made printable (it may come from input), and its `{` and `}` must not
 * open a tag. Every text the panels show passes here before a tone is added.
 */
export const escapeTags = (text: string): string => printable(text).replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));

const COLOURS: Readonly<Record<Tone, readonly [string, string] | null>> = {
  normal: null,
  good: ['{green-fg}', '{/green-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  alert: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
  muted: ['{gray-fg}', '{/gray-fg}'],
};

const colourTone = (text: string, tone: Tone): string => {
  const wrap = COLOURS[tone];
  return wrap && text !== '' ? `${wrap[0]}${text}${wrap[1]}` : text;
};

/** Monochrome keeps one emphasis: alerts in bold. */
const monoTone = (text: string, tone: Tone): string => (tone === 'alert' && text !== '' ? `{bold}${text}{/bold}` : text);

export function themeFor(color: boolean): Theme {
  const tone = color ? colourTone : monoTone;
  return {
    color,
    tone,
    table: {
      cell: tone,
      header: (line) => `{bold}${line}{/bold}`,
      selected: (line) => `{inverse}${line}{/inverse}`,
      escape: escapeTags,
    },
    panelStyle: color ? { border: { fg: 'cyan' }, label: { fg: 'cyan', bold: true } } : { label: { bold: true } },
    line: color ? { line: 'yellow', text: 'green', baseline: 'cyan' } : { line: 'normal', text: 'normal', baseline: 'normal' },
  };
}

/** A line of segments in blessed markup. */
export const segmentsMarkup = (theme: Theme, segments: readonly Segment[]): string =>
  segments.map((s) => theme.tone(escapeTags(s.text), s.tone ?? 'normal')).join('');
