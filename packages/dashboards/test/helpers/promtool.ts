import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { locateBackends, REPO_ROOT } from '../../../../test/support/backends';

export const GENERATED = join(REPO_ROOT, 'packages/dashboards/generated');

/** Runs the real promtool (fetched by scripts/backends.sh); throws if it cannot be had. */
export function runPromtool(args: string[]): { code: number; output: string } {
  const r = spawnSync(locateBackends().promtool, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
