/**
 * Colour or monochrome (NO_COLOR, --no-color). Both themes draw the same characters — bars are
 * `█` cells, the selected row is inverse, stalled workers read `STALLED` — so nothing depends on
 * colour alone; colour only adds hue. Pure: it produces blessed markup and style objects.
 *
 * Grey is colour 8, which only a terminal of 16 colours or more has: with 8 (blessed reads
 * `TERM=screen`, and falls back to 8 for `tmux-256color` and `screen-256color`, whose terminfo it
 * cannot parse) it becomes colour 0, black, and vanishes on a dark background. There muted text
 * keeps the terminal's own foreground.
 */
import { printable } from '../../events/printable';
import type { Segment } from './header';
import type { TablePainter, Tone } from './table';

export interface Theme {
  readonly color: boolean;
  /** Text in blessed markup for a tone (already escaped). */
  readonly tone: (text: string, tone: Tone) => string;
  readonly table: TablePainter;
  /** blessed style of a boxed panel. */
  readonly panelStyle: Record<string, unknown>;
  /** blessed style of the footer's key hints. */
  readonly hintStyle: Record<string, unknown>;
}

/**
 * Data into blessed markup: made printable (it may come from input), and its `{` and `}` must not
 * open a tag. Every text the panels show passes here before a tone is added.
 */
export const escapeTags = (text: string): string => printable(text).replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));

type Palette = Readonly<Record<Tone, readonly [string, string] | null>>;

const COLOURS: Palette = {
  normal: null,
  good: ['{green-fg}', '{/green-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  alert: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
  muted: ['{gray-fg}', '{/gray-fg}'],
};

/** Terminals of 8 colours have no grey (see above). */
const EIGHT_COLOURS: Palette = { ...COLOURS, muted: null };

/** The fewest colours that have a grey. */
const GREY_FROM = 16;

const paletteTone =
  (palette: Palette) =>
  (text: string, tone: Tone): string => {
    const wrap = palette[tone];
    return wrap && text !== '' ? `${wrap[0]}${text}${wrap[1]}` : text;
  };

/** Monochrome keeps one emphasis: alerts in bold. */
const monoTone = (text: string, tone: Tone): string => (tone === 'alert' && text !== '' ? `{bold}${text}{/bold}` : text);

/** The theme for colour on or off, on a terminal of `colors` colours (blessed's `tput.colors`). */
export function themeFor(color: boolean, colors = 256): Theme {
  const grey = colors >= GREY_FROM;
  const tone = color ? paletteTone(grey ? COLOURS : EIGHT_COLOURS) : monoTone;
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
    hintStyle: color && grey ? { fg: 'gray' } : {},
  };
}

/** A line of segments in blessed markup. */
export const segmentsMarkup = (theme: Theme, segments: readonly Segment[]): string =>
  segments.map((s) => theme.tone(escapeTags(s.text), s.tone ?? 'normal')).join('');
