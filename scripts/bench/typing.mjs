// Keystrokes whose effect the diagnostics show: characters typed at the end of the name of a `let` on a line
// whose warning starts after it, so each keystroke moves that warning one column to the right and a publication
// tells which edits it reflects (the server sends diagnostics only when they change, and without a version).

/**
 * Finds where to type: a diagnostic on a line `let NAME = … await …` starting after NAME. Returns the line, the
 * column after NAME, the diagnostic's code and its column before any keystroke.
 */
export function typingSpot(text, diagnostics) {
  const lines = text.split('\n');
  for (const d of diagnostics) {
    const line = lines[d.range.start.line] ?? '';
    const m = /\blet\s+(mut\s+)?([A-Za-z_][A-Za-z0-9_]*)/.exec(line);
    if (!m) continue;
    const end = m.index + m[0].length;
    if (end >= d.range.start.character) continue;
    const spot = { line: d.range.start.line, character: end, code: d.code, column: 0 };
    // The leftmost such warning after the typing point: every one of them moves alike.
    spot.column = Math.min(...after(spot, diagnostics));
    return spot;
  }
  return undefined;
}

/** How many keystrokes a publication reflects: the column shift of the spot's diagnostic, or undefined. */
export function keystrokesShown(spot, params) {
  const cols = after(spot, params.diagnostics);
  return cols.length ? Math.min(...cols) - spot.column : undefined;
}

/** The columns of the spot's kind of diagnostic on its line, after the typing point. */
function after(spot, diagnostics) {
  return diagnostics
    .filter(
      (d) =>
        d.code === spot.code && d.range.start.line === spot.line && d.range.start.character > spot.character,
    )
    .map((d) => d.range.start.character);
}
