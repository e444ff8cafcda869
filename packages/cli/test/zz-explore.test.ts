import { it } from 'vitest';
import { run } from '../src/commands/whatif';

it('explore', async () => {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  const t0 = Date.now();
  const code = await run((process.env.WHATIF_ARGS ?? '').split(' '), io);
  console.log(io.out, io.err, code, Date.now() - t0, 'ms');
}, 300_000);
