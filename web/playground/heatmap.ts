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

// Three stops, so middling scores stay blue rather than grey.
const STOPS = [[239, 245, 255], [99, 155, 230], [8, 48, 107]];

/** sRGB relative luminance (WCAG 2.1). */
function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/**
 * Light to dark blue as the score rises. The ink is whichever of black and white contrasts more
 * with the cell, which for any background is at least 4.58:1 (WCAG AA asks 4.5:1).
 */
function colour(score: number): { background: string; ink: string } {
  const t = Math.min(1, Math.max(0, score));
  const [from, to, u] = t < 0.5 ? [STOPS[0]!, STOPS[1]!, t * 2] : [STOPS[1]!, STOPS[2]!, t * 2 - 1];
  const rgb = from.map((c, i) => Math.round(c + (to[i]! - c) * u));
  const l = luminance(rgb);
  const onWhite = 1.05 / (l + 0.05);
  const onBlack = (l + 0.05) / 0.05;
  return { background: `rgb(${rgb.join(' ')})`, ink: onWhite >= onBlack ? '#ffffff' : '#000000' };
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
