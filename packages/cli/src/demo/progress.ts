/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, else one plain line at the end
 * (logs and CI output stay readable).
 */
export interface Progress {
  update(done: number, label?: string): void;
  finish(summary: string): void;
}

const WIDTH = 30;

export function createProgress(
  total: number,
  write: (text: string) => void,
  interactive: boolean,
): Progress {
  let lastDrawn = -1;
  let lastAt = 0;
  return {
    update(done, label = '') {
      if (!interactive) return;
      const now = Date.now();
      // Redraw at most every 50 ms, and always on the last call.
      if (done !== total && (done === lastDrawn || now - lastAt < 50)) return;
      lastDrawn = done;
      lastAt = now;
      const ratio = total > 0 ? done / total : 1;
      const filled = Math.round(ratio * WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
      write(
        `\r${bar} ${String(Math.round(ratio * 100)).padStart(3)}%  ${done}/${total} calls  ${label}\u001b[K`,
      );
    },
    finish(summary) {
      write(interactive ? `\r${summary}\u001b[K\n` : `${summary}\n`);
    },
  };
}
