// The n x n cosine matrix of the gateway's own vectors, drawn as a table: every cell keyboard
// focusable, with its exact score in data-score and read out on hover or focus.
export function cosineMatrix(vectors: ArrayLike<number>[]): number[][] {
  const norms = vectors.map((v) => {
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
    return Math.sqrt(sum);
  });
  return vectors.map((a, i) => vectors.map((b, j) => {
    let dot = 0;
    for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
    return dot / (norms[i]! * norms[j]! || 1);
  }));
}

/** Light to dark blue as the score rises; white text on the darker half keeps contrast. */
function colour(score: number): { background: string; ink: string } {
  const t = Math.min(1, Math.max(0, score));
  const lightness = 97 - t * 72;
  return { background: `hsl(215 80% ${lightness}%)`, ink: lightness < 58 ? '#ffffff' : '#1b1b1f' };
}

const short = (text: string) => (text.length > 18 ? `${text.slice(0, 17)}…` : text);

export function drawHeatmap(table: HTMLTableElement, texts: string[], matrix: number[][], readout: HTMLElement): void {
  const caption = table.caption;
  table.replaceChildren();
  if (caption) table.append(caption);
  const head = table.createTHead().insertRow();
  const corner = document.createElement('td');
  head.append(corner);
  for (const text of texts) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = short(text);
    th.title = text;
    head.append(th);
  }
  const body = table.createTBody();
  const say = (i: number, j: number) => {
    readout.textContent = `“${texts[i]}” vs “${texts[j]}”: ${matrix[i]![j]!.toFixed(4)}`;
  };
  texts.forEach((text, i) => {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = short(text);
    th.title = text;
    row.append(th);
    texts.forEach((other, j) => {
      const score = matrix[i]![j]!;
      const cell = row.insertCell();
      const { background, ink } = colour(score);
      cell.style.background = background;
      cell.style.color = ink;
      cell.textContent = score.toFixed(2);
      cell.tabIndex = 0;
      cell.dataset.row = String(i);
      cell.dataset.col = String(j);
      cell.dataset.score = String(score);
      cell.title = `${text} vs ${other}: ${score.toFixed(4)}`;
      cell.setAttribute('aria-label', cell.title);
      cell.addEventListener('mouseenter', () => say(i, j));
      cell.addEventListener('focus', () => say(i, j));
    });
  });
  table.hidden = false;
}
