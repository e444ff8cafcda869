/**
 * The real module-loading paths, in child `node` processes with the built packages (`dist/`):
 * ESM through the `@opentelemetry/instrumentation/hook.mjs` loader hook (`--import`), and CJS
 * through `require` (require-in-the-middle). No `manuallyInstrument` here: the hooks must patch.
 * Run `npm run build -w @ai-margin/instrumentation -w @ai-margin/provider-sim` first (the root
 * `npm test` does). The SDK comes from AI_MARGIN_BEDROCK_MODULE when set (version matrix); SDK
 * versions without Converse (before ~3.600) are driven through InvokeModel instead.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BEDROCK_MODULE, esmImportSource, resolveBeside } from './helpers/modules';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUILT =
  existsSync(resolve(ROOT, 'packages/instrumentation/dist/index.js')) &&
  existsSync(resolve(ROOT, 'packages/provider-sim/dist/index.js'));

/** Where the SDK and its HTTP handler (from the same install as the SDK) are loaded from. */
const SDK_CJS = JSON.stringify(BEDROCK_MODULE);
const HANDLER_CJS = resolveBeside(BEDROCK_MODULE, '@smithy/node-http-handler');
const HANDLER_ESM = JSON.stringify(pathToFileURL(HANDLER_CJS).href);

const REGISTER_HOOK =
  'data:text/javascript,import{register}from"node:module";import{pathToFileURL}from"node:url";' +
  'register("@opentelemetry/instrumentation/hook.mjs",pathToFileURL("./"));';

/**
 * The body shared by both scripts; `load(name)` is `require`, `loadLate(name)` is `import()` or
 * `require`; `loadSdk()` loads the SDK, `HANDLER` is where its HTTP handler is loaded from.
 */
const SCRIPT_BODY = `
const { trace, context } = load('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = load('@opentelemetry/context-async-hooks');
const { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = load('@opentelemetry/sdk-trace');
const { registerInstrumentations } = load('@opentelemetry/instrumentation');
const { BedrockRuntimeInstrumentation } = load('@ai-margin/instrumentation');
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ instrumentations: [new BedrockRuntimeInstrumentation()] });
const run = async () => {
  const { startProviderSim } = await loadLate('@ai-margin/provider-sim');
  const bedrock = await loadSdk();
  const { NodeHttpHandler } = await loadLate(HANDLER);
  const sim = await startProviderSim({ script: () => ({ text: 'a b', usage: { input: 10, output: 4, cacheRead: 6 } }) });
  const client = new bedrock.BedrockRuntimeClient({
    region: 'us-east-1', endpoint: sim.url, maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
  const modelId = 'us.amazon.nova-pro-v1:0';
  if (typeof bedrock.ConverseCommand === 'function') {
    await client.send(new bedrock.ConverseCommand({ modelId, messages: [] }));
    const out = await client.send(new bedrock.ConverseStreamCommand({ modelId, messages: [] }));
    for await (const _ of out.stream) {}
  } else {
    const body = JSON.stringify({ messages: [] });
    await client.send(new bedrock.InvokeModelCommand({ modelId, body }));
    const out = await client.send(new bedrock.InvokeModelWithResponseStreamCommand({ modelId, body }));
    for await (const _ of out.body) {}
  }
  await sim.close();
  client.destroy();
  process.stdout.write(JSON.stringify(exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }))));
};
run().catch((err) => { console.error(err); process.exit(1); });
`;

const ESM_SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const load = (name) => require(name);
const loadLate = (name) => import(name);
const loadSdk = () => ${esmImportSource(BEDROCK_MODULE)};
const HANDLER = ${HANDLER_ESM};
${SCRIPT_BODY}`;

const CJS_SCRIPT = `
const load = (name) => require(name);
const loadLate = async (name) => require(name);
const loadSdk = async () => require(${SDK_CJS});
const HANDLER = ${JSON.stringify(HANDLER_CJS)};
${SCRIPT_BODY}`;

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

const EXPECTED = [
  {
    name: 'chat us.amazon.nova-pro-v1:0',
    attributes: expect.objectContaining({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.usage.input_tokens': 16,
      'gen_ai.usage.cache_read.input_tokens': 6,
      'gen_ai.usage.output_tokens': 4,
    }),
  },
  {
    name: 'chat us.amazon.nova-pro-v1:0',
    attributes: expect.objectContaining({
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': 16,
      'gen_ai.usage.output_tokens': 4,
    }),
  },
];

describe('Bedrock instrumentation through the module hooks (child node)', () => {
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

  it('CJS: require is patched without a loader hook', async () => {
    const out = await runNode(['-e', CJS_SCRIPT]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });
});
