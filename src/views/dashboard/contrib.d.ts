/**
 * The one blessed-contrib widget the dashboard uses, loaded by its own path: the package root
 * loads every widget (maps, pictures, markdown), which triples the start-up cost, and its bundled
 * typings do not compile.
 */
declare module 'blessed-contrib/lib/widget/charts/line' {
  import type { Widgets } from 'blessed';

  interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line?: string };
  }

  interface LineOptions extends Widgets.BoxOptions {
    style?: { line?: string; text?: string; baseline?: string } & Widgets.Types.TStyle;
    xLabelPadding?: number;
    xPadding?: number;
    numYLabels?: number;
    showLegend?: boolean;
    wholeNumbersOnly?: boolean;
    minY?: number;
    maxY?: number;
    showNthLabel?: number;
    abbreviate?: boolean;
  }

  interface LineElement extends Widgets.BoxElement {
    /** Mutable: `maxY` is read on every `setData`. */
    options: LineOptions;
    /** Needs the widget attached to a screen (its canvas is sized on attach). */
    setData(series: LineSeries[]): void;
  }

  function line(options: LineOptions): LineElement;
  export = line;
}
