import type { CommandIO } from '../../src/io';

/** A CommandIO that keeps what a command prints (not a terminal). */
export function captureIO(): CommandIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}
