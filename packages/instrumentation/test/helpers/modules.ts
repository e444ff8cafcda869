/**
 * Loads the SDK module under test with Node's own `require` (so the version matrix can point a
 * test run at another installed version through an env var), e.g.
 * `AI_MARGIN_OPENAI_MODULE=/tmp/x/node_modules/openai npx vitest run …/openai.test.ts`
 * (scripts/version-matrix.sh does this for each SDK version it covers).
 * Without the env var each name is the root-installed package.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export const OPENAI_MODULE = process.env.AI_MARGIN_OPENAI_MODULE ?? 'openai';
export const ANTHROPIC_MODULE = process.env.AI_MARGIN_ANTHROPIC_MODULE ?? '@anthropic-ai/sdk';
export const BEDROCK_MODULE =
  process.env.AI_MARGIN_BEDROCK_MODULE ?? '@aws-sdk/client-bedrock-runtime';
export const GOOGLE_GENAI_MODULE = process.env.AI_MARGIN_GOOGLE_GENAI_MODULE ?? '@google/genai';

export function loadModule<T = Record<string, unknown>>(name: string): T {
  return require(name) as T;
}

/**
 * Loads `name` as the SDK module `sdk` (a name or path as given to {@link loadModule}) would see
 * it: from the SDK's own install, so a companion package (e.g. `@smithy/node-http-handler` for
 * Bedrock) comes from the same dependency tree as the SDK version under test.
 */
export function loadModuleBeside<T = Record<string, unknown>>(sdk: string, name: string): T {
  return createRequire(require.resolve(sdk))(name) as T;
}

/** Conditions an ESM import under Node matches in package `exports`, as Node itself does. */
const IMPORT_CONDITIONS = new Set(['node', 'import', 'default']);

function matchExport(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return undefined;
  for (const [condition, next] of Object.entries(target)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue;
    const found = matchExport(next);
    if (found) return found;
  }
  return undefined;
}

/**
 * The file Node's `import` of a package directory's `.` export loads (`exports` with the import
 * conditions, else `main`, as Node resolves it). Vite resolves a directory path through `main`
 * (often the CJS build) and Node's ESM loader refuses directories, so a path is resolved here.
 */
function esmEntryOf(packageDir: string): string {
  const pkg = require(join(packageDir, 'package.json')) as { exports?: unknown; main?: string };
  const exp = pkg.exports;
  const root =
    exp && typeof exp === 'object' && !Array.isArray(exp) && '.' in exp
      ? (exp as Record<string, unknown>)['.']
      : exp;
  const entry = matchExport(root) ?? pkg.main ?? 'index.js';
  return join(packageDir, entry);
}

/**
 * Imports the SDK module under test as an ES module (its `import` entry), like an ESM user
 * would. `name` is a package name, or the path of an installed package directory (the version
 * matrix), e.g. `AI_MARGIN_GOOGLE_GENAI_MODULE=/tmp/x/node_modules/@google/genai`.
 */
export async function importModule<T = Record<string, unknown>>(name: string): Promise<T> {
  const spec = isAbsolute(name) ? esmEntryOf(name) : name;
  return (await import(/* @vite-ignore */ spec)) as T;
}

/**
 * JavaScript source of an expression that, in a child ESM `node` process, imports the SDK `name`
 * by its bare package name, as a user's code would (the ESM loader hook only patches bare-name
 * imports of a package, not imports of a file path). For a package directory path (the version
 * matrix) the import is made from a small module written next to that install's `node_modules`,
 * so the bare name resolves to that install.
 */
export function esmImportSource(name: string): string {
  if (!isAbsolute(name)) return `import(${JSON.stringify(name)})`;
  const pkgName = (require(join(name, 'package.json')) as { name: string }).name;
  const installRoot = name.slice(0, name.lastIndexOf(`${sep}node_modules${sep}`));
  const importer = join(installRoot, 'ai-margin-import-sdk.mjs');
  writeFileSync(importer, 'export const load = (name) => import(name);\n');
  const url = JSON.stringify(pathToFileURL(importer).href);
  return `import(${url}).then((m) => m.load(${JSON.stringify(pkgName)}))`;
}

/** The file `require(name)` loads from the SDK module `sdk`'s own install (see loadModuleBeside). */
export function resolveBeside(sdk: string, name: string): string {
  return createRequire(require.resolve(sdk)).resolve(name);
}
