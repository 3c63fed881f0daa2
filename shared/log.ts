// JSON lines with `severity`, the shape Cloud Logging reads from stdout. Callers pass facts
// (counts, model, key names), never input text, keys or tokens.
type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
const order: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };

// The gateway sets it from LOG_LEVEL when it is built (shared/gateway.ts).
let threshold: Severity = 'INFO';

export function setLogLevel(level: 'debug' | 'info' | 'warning' | 'error'): void {
  threshold = level.toUpperCase() as Severity;
}

function write(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  if (order[severity] < order[threshold]) return;
  const line = JSON.stringify({ severity, message, time: new Date().toISOString(), ...fields });
  (severity === 'ERROR' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('DEBUG', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('INFO', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('WARNING', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('ERROR', message, fields),
};

/** Logs at most once per interval under a key: for outages that would otherwise log per request. */
export function logThrottled(key: string, intervalMs: number, emit: () => void): void {
  const now = Date.now();
  const last = lastLogged.get(key) ?? 0;
  if (now - last < intervalMs) return;
  lastLogged.set(key, now);
  emit();
}
const lastLogged = new Map<string, number>();
