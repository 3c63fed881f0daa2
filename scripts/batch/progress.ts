// A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise (logs, CI).
export interface Progress {
  update(done: number, errors: number): void;
  finish(): void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let lastDraw = 0;
  let lastTenth = -1;
  const line = (done: number, errors: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} items, ${errors} errors, ${rate} items/s, ${seconds.toFixed(1)}s`;
  };
  let last = { done: 0, errors: 0 };
  return {
    update(done, errors) {
      last = { done, errors };
      if (stream.isTTY) {
        if (Date.now() - lastDraw < 100 && done < total) return;
        lastDraw = Date.now();
        stream.write(`\r${line(done, errors)}`);
        return;
      }
      const tenth = Math.floor((done / total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${line(done, errors)}\n`);
    },
    finish() {
      if (stream.isTTY) stream.write(`\r${line(last.done, last.errors)}\n`);
    },
  };
}
