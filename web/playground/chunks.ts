// /chunk's answer drawn over the document: chunks as alternating highlighted spans, the parts
// two chunks share (overlap) marked apart, and a table of offsets, tokens and overlaps.
export interface Chunk { index: number; text: string; start: number; end: number; tokens: number }

export function drawChunks(container: HTMLElement, table: HTMLTableElement, text: string, chunks: Chunk[]): void {
  const cuts = new Set<number>([0, text.length]);
  for (const c of chunks) cuts.add(c.start).add(c.end);
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: Node[] = [];
  for (let p = 0; p + 1 < points.length; p++) {
    const from = points[p]!;
    const to = points[p + 1]!;
    const covering = chunks.filter((c) => c.start <= from && c.end >= to);
    const piece = text.slice(from, to);
    if (covering.length === 0) {
      pieces.push(document.createTextNode(piece));
      continue;
    }
    const mark = document.createElement('mark');
    mark.className = covering.length > 1 ? 'both' : `c${covering[0]!.index % 2}`;
    mark.title = covering.length > 1
      ? `overlap of chunks ${covering.map((c) => c.index).join(' and ')}`
      : `chunk ${covering[0]!.index}`;
    mark.textContent = piece;
    pieces.push(mark);
  }
  container.replaceChildren(...pieces);
  container.hidden = false;
  if (container.previousElementSibling instanceof HTMLElement) container.previousElementSibling.hidden = false;

  const body = table.tBodies[0]!;
  body.replaceChildren();
  chunks.forEach((c, i) => {
    const previous = chunks[i - 1];
    const overlap = previous ? Math.max(0, previous.end - c.start) : 0;
    const row = body.insertRow();
    row.dataset.start = String(c.start);
    row.dataset.end = String(c.end);
    row.dataset.tokens = String(c.tokens);
    const cells: [string, string][] = [
      [String(c.index), 'num'], [String(c.start), 'num'], [String(c.end), 'num'], [String(c.tokens), 'num'],
      [overlap ? `${overlap} chars` : '—', 'num'], [c.text, 'text'],
    ];
    for (const [value, className] of cells) {
      const cell = row.insertCell();
      cell.textContent = value;
      cell.className = className;
      if (className === 'text') cell.title = value;
    }
  });
  table.hidden = false;
}
