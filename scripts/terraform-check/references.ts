// The references an HCL expression makes, as hcl2json leaves them: a string value whose
// `${...}` parts are expressions ("${var.a ? google_x.y[0].id : null}"). No evaluation: a
// small scanner that skips string literals, function names, attribute reads after `)` or `]`
// and for-expression variables, and returns every traversal from a root name.

export interface Reference {
  root: string;
  /** Steps after the root: a name, or null for an index / splat (`[0]`, `[each.key]`, `[*]`). */
  steps: (string | null)[];
  text: string;
}

const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if']);
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

/** Index just past the `}` closing the `${` or `{` whose body starts at `start`. */
function closeBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = closeQuote(text, i + 1) - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Index just past the `"` closing a string literal whose body starts at `start`. */
function closeQuote(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '$' && text[i + 1] === '{') i = closeBrace(text, i + 2) - 1;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** References inside a template: the expressions of its `${...}` parts (`$${` is a literal). */
export function templateReferences(template: string, bound: ReadonlySet<string> = new Set()): Reference[] {
  const found: Reference[] = [];
  for (let i = 0; i < template.length; i++) {
    if (template[i] === '$' && template[i + 1] === '$') i++;
    else if (template[i] === '$' && template[i + 1] === '{') {
      const end = closeBrace(template, i + 2);
      found.push(...expressionReferences(template.slice(i + 2, end - 1), bound));
      i = end - 1;
    }
  }
  return found;
}

/** Names a for-expression binds (`for k, v in ...`), valid inside the whole expression. */
function forVariables(expr: string): Set<string> {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
    names.add(m[1]!);
    if (m[2]) names.add(m[2]);
  }
  return names;
}

/** `outer`: names bound by an enclosing for-expression (the expression is inside its string). */
export function expressionReferences(expr: string, outer: ReadonlySet<string> = new Set()): Reference[] {
  const found: Reference[] = [];
  const bound = new Set([...outer, ...forVariables(expr)]);
  let i = 0;
  const previous = () => {
    let j = i - 1;
    while (j >= 0 && /\s/.test(expr[j]!)) j--;
    return j >= 0 ? expr[j] : '';
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"') {
      const end = closeQuote(expr, i + 1);
      found.push(...templateReferences(expr.slice(i + 1, end - 1), bound));
      i = end;
      continue;
    }
    // hcl2json keeps comments inside multi-line expressions.
    if (c === '#' || expr.startsWith('//', i)) {
      const end = expr.indexOf('\n', i);
      i = end < 0 ? expr.length : end;
      continue;
    }
    if (expr.startsWith('/*', i)) {
      const end = expr.indexOf('*/', i + 2);
      i = end < 0 ? expr.length : end + 2;
      continue;
    }
    if (c === '<' && expr.startsWith('<<', i)) {
      // Heredoc: its body is a template up to the closing marker line.
      const head = expr.slice(i).match(/^<<-?([A-Za-z_]+)\n/);
      if (head) {
        const close = expr.indexOf(`\n`, i + head[0].length - 1);
        const endMarker = new RegExp(`\\n\\s*${head[1]}\\b`, 'g');
        endMarker.lastIndex = close;
        const end = endMarker.exec(expr)?.index ?? expr.length;
        found.push(...templateReferences(expr.slice(i + head[0].length, end), bound));
        i = end + 1;
        continue;
      }
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(expr)?.[0];
    if (!ident || /[0-9]/.test(expr[i - 1] ?? '')) {
      i++;
      continue;
    }
    const afterDot = previous() === '.';
    const start = i;
    i += ident.length;
    // provider::name::function(...)
    if (expr.startsWith('::', i)) {
      while (expr.startsWith('::', i)) {
        IDENT.lastIndex = i + 2;
        i += 2 + (IDENT.exec(expr)?.[0].length ?? 0);
      }
      continue;
    }
    const steps: (string | null)[] = [];
    for (;;) {
      if (expr[i] === '.' && expr[i + 1] === '*') {
        steps.push(null);
        i += 2;
      } else if (expr[i] === '.') {
        IDENT.lastIndex = i + 1;
        const name = IDENT.exec(expr)?.[0] ?? expr.slice(i + 1).match(/^\d+/)?.[0];
        if (!name) break;
        steps.push(/^\d+$/.test(name) ? null : name);
        i += 1 + name.length;
      } else if (expr[i] === '[') {
        const end = closeBracket(expr, i + 1);
        found.push(...expressionReferences(expr.slice(i + 1, end - 1), bound));
        steps.push(null);
        i = end;
      } else break;
    }
    if (afterDot || KEYWORDS.has(ident) || bound.has(ident) || /^\s*\(/.test(expr.slice(i))) continue;
    found.push({ root: ident, steps, text: expr.slice(start, i) });
  }
  return found;
}

function closeBracket(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = closeQuote(text, i + 1) - 1;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i + 1;
  }
  return text.length;
}
