/**
 * The real module-loading paths, in child `node` processes with the built packages (`dist/`):
 * (`@google/genai` ships separate ESM and CJS builds: each is patched by its own hook.)
 * ESM through the `@opentelemetry/instrumentation/hook.mjs` loader hook (`--import`), and CJS
 * through `require` (require-in-the-middle). No `manuallyInstrument` here: the hooks must patch.
 * Run `npm run build -w @ai-margin/instrumentation -w @ai-margin/provider-sim` first (the root
 * `npm test` does).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { esmImportSource, GOOGLE_GENAI_MODULE } from './helpers/modules';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUILT =
  existsSync(resolve(ROOT, 'packages/instrumentation/dist/index.js')) &&
  existsSync(resolve(ROOT, 'packages/provider-sim/dist/index.js'));

const REGISTER_HOOK =
  'data:text/javascript,import{register}from"node:module";import{pathToFileURL}from"node:url";' +
  'register("@opentelemetry/instrumentation/hook.mjs",pathToFileURL("./"));';

/** The body shared by both scripts; `load(name)` is `import()` or `require`. */
const SCRIPT_BODY = `
const { trace, context } = load('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = load('@opentelemetry/context-async-hooks');
const { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = load('@opentelemetry/sdk-trace');
const { registerInstrumentations } = load('@opentelemetry/instrumentation');
const { GoogleGenAIInstrumentation } = load('@ai-margin/instrumentation');
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ instrumentations: [new GoogleGenAIInstrumentation()] });
const run = async () => {
  const { startProviderSim } = await loadLate('@ai-margin/provider-sim');
  const { GoogleGenAI } = await loadSdk();
  const sim = await startProviderSim({ script: () => ({ text: 'a b', usage: { input: 10, output: 4, cacheRead: 6, reasoning: 1 } }) });
  const ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: sim.url } });
  await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
  const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' });
  for await (const _ of stream) {}
  await sim.close();
  process.stdout.write(JSON.stringify(exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }))));
};
run().catch((err) => { console.error(err); process.exit(1); });
`;

const ESM_SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const load = (name) => require(name);
const loadLate = (name) => import(name);
const loadSdk = () => ${esmImportSource(GOOGLE_GENAI_MODULE)};
${SCRIPT_BODY}`;

/**
 * Where a CJS user's `require('@google/genai')` resolves from: the root, or for a package
 * directory (the version matrix) that install's root. By bare name, as users write it: requiring
 * the directory itself would load `main` (the ESM build since 2.x, through require(esm)), not the
 * package's `require` export, and the require hook rightly leaves such a file alone.
 */
const CJS_FROM = isAbsolute(GOOGLE_GENAI_MODULE)
  ? join(
      GOOGLE_GENAI_MODULE.slice(0, GOOGLE_GENAI_MODULE.lastIndexOf(`${sep}node_modules${sep}`)),
      'x.js',
    )
  : join(ROOT, 'x.js');

const CJS_SCRIPT = `
const load = (name) => require(name);
const loadLate = async (name) => require(name);
const loadSdk = async () =>
  require('node:module').createRequire(${JSON.stringify(CJS_FROM)})('@google/genai');
${SCRIPT_BODY}`;

/**
 * Whether this SDK version's CJS entry loads at all: @google/genai 1.0.0 ships its CJS build as
 * `.js` under `"type": "module"`, so `require` fails inside the package (nothing to instrument).
 * Only that packaging fault counts as "no CJS entry"; any other load error fails the test.
 */
function cjsEntryLoads(): boolean {
  try {
    createRequire(CJS_FROM)('@google/genai');
    return true;
  } catch (err) {
    if (String(err).includes('require is not defined in ES module scope')) return false;
    throw err;
  }
}
const CJS_LOADS = cjsEntryLoads();

function runNode(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolvePromise(stdout);
      },
    );
  });
}

// promptTokenCount = 10 + 6 cached; output = candidates 3 + thoughts 1.
const USAGE = {
  'gen_ai.provider.name': 'gcp.gemini',
  'gen_ai.usage.input_tokens': 16,
  'gen_ai.usage.cache_read.input_tokens': 6,
  'gen_ai.usage.output_tokens': 4,
  'gen_ai.usage.reasoning.output_tokens': 1,
};
const EXPECTED = [
  { name: 'generate_content gemini-2.5-flash', attributes: expect.objectContaining(USAGE) },
  {
    name: 'generate_content gemini-2.5-flash',
    attributes: expect.objectContaining({ ...USAGE, 'gen_ai.request.stream': true }),
  },
];

describe('Google GenAI instrumentation through the module hooks (child node)', () => {
  it('has the built packages to load', () => {
    expect(
      BUILT,
      'run `npm run build -w @ai-margin/conventions -w @ai-margin/instrumentation -w @ai-margin/provider-sim`',
    ).toBe(true);
  });

  it('ESM: node --import with the loader hook patches import()', async () => {
    const out = await runNode(['--import', REGISTER_HOOK, '--input-type=module', '-e', ESM_SCRIPT]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it.skipIf(!CJS_LOADS)('CJS: require is patched without a loader hook', async () => {
    const out = await runNode(['-e', CJS_SCRIPT]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });
});
