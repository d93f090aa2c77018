/**
 * Text that comes from outside — a command's output, a bad input line — made safe to print in a
 * terminal: escape sequences (colours, window titles, cursor moves) are removed and any other
 * control character is shown as �, so that what we print can neither restyle nor rewrite the
 * user's screen. Tabs and line breaks are kept; printers flatten them where they need one line.
 */
import { stripVTControlCharacters } from 'node:util';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export const printable = (text: string): string => stripVTControlCharacters(text).replace(CONTROL, '\ufffd');

/** `printable`, on one line: line breaks and tabs become spaces. */
export const printableLine = (text: string): string => printable(text).replace(/[\r\n\t]+/g, ' ');
