#!/usr/bin/env node
// The public API of every published package, pinned: one API Extractor report per entry point
// (packages/<pkg>/api/<entry>.api.md), generated from the built .d.ts files.
//
//   npm run api:check    # CI: fails when an entry point's API differs from its committed report
//   npm run api:update   # after an intended API change: rewrite the reports, review the diff
//
// Entry points come from each package.json's "exports" (every subpath with types). A declaration
// tagged @internal must not be reachable from a public entry point: the check fails on it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const temp = mkdtempSync(join(tmpdir(), 'ai-margin-api-'));

/** Packages that are not published (tools for our own tests and examples) have no report. */
const UNPUBLISHED = new Set(['@ai-margin/provider-sim']);

function entryPoints(pkgDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const types = typeof target === 'object' ? target?.import?.types : undefined;
    if (typeof types !== 'string') continue;
    const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replaceAll('/', '-');
    entries.push({ name, dts: join(pkgDir, types) });
  }
  return { pkg, entries };
}

let failures = 0;
let checked = 0;
for (const dir of readdirSync(join(ROOT, 'packages')).sort()) {
  const pkgDir = join(ROOT, 'packages', dir);
  if (!existsSync(join(pkgDir, 'package.json'))) continue;
  const { pkg, entries } = entryPoints(pkgDir);
  if (UNPUBLISHED.has(pkg.name) || pkg.private) continue;
  if (only.length > 0 && !only.some((o) => pkg.name.includes(o))) continue;
  const reportFolder = join(pkgDir, 'api');
  mkdirSync(reportFolder, { recursive: true });
  for (const entry of entries) {
    if (!existsSync(entry.dts)) {
      console.error(
        `${pkg.name}: ${relative(ROOT, entry.dts)} is missing; run npm run build first`,
      );
      failures++;
      continue;
    }
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: pkgDir,
        mainEntryPointFilePath: entry.dts,
        compiler: { overrideTsconfig: { compilerOptions: { skipLibCheck: true, types: [] } } },
        apiReport: {
          enabled: true,
          reportFileName: `${entry.name}.api.md`,
          reportFolder,
          reportTempFolder: join(temp, dir),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'none' },
            // A type the entry point uses but does not export: users cannot name it.
            'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
          },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: join(pkgDir, 'api-extractor.json'),
      packageJsonFullPath: join(pkgDir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      // Our own summary below says what changed; API Extractor's per-file notices are noise here.
      messageCallback: (message) => {
        message.handled = true;
      },
    });
    checked++;
    const report = join(reportFolder, `${entry.name}.api.md`);
    const label = `${pkg.name}${entry.name === 'index' ? '' : `/${entry.name}`}`;
    if (!result.succeeded || (!update && result.apiReportChanged)) {
      failures++;
      console.error(
        `API of ${label} differs from ${relative(ROOT, report)}. If the change is intended, run ` +
          '`npm run api:update` and commit the report; the diff is in ' +
          join(temp, dir, `${entry.name}.api.md`),
      );
    }
    if (existsSync(report) && /@internal/.test(readFileSync(report, 'utf8'))) {
      failures++;
      console.error(
        `${label} exposes a declaration tagged @internal (see ${relative(ROOT, report)})`,
      );
    }
  }
}
if (failures === 0) rmSync(temp, { recursive: true, force: true });
console.log(
  `API reports: ${checked} entry points ${update ? 'written' : 'checked'}, ${failures} problem(s)`,
);
process.exit(failures === 0 ? 0 : 1);
