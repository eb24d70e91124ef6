/** Helpers for the subject line and the plain-text bodies. */

// C0 controls, DEL, C1 controls and the Unicode line/paragraph separators: anything a mail
// client might take as a line break or that has no business in a header.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Text on one line: control characters (CR, LF, tab...) become a space, runs of spaces collapse. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

/** The longest subject we send; past it, mail clients truncate anyway. */
export const MAX_SUBJECT_LENGTH = 150;

/** A safe subject line: one line (no CR/LF can start a new header), at most `MAX_SUBJECT_LENGTH` characters. */
export function subjectLine(text: string): string {
  const line = oneLine(text);
  const chars = [...line];
  return chars.length <= MAX_SUBJECT_LENGTH ? line : `${chars.slice(0, MAX_SUBJECT_LENGTH - 1).join('').trimEnd()}…`;
}
