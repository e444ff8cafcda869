// ESM loader hook only: `node --import @ai-margin/instrumentation/hook app.mjs`. Registers
// OpenTelemetry's import-in-the-middle hook so `import OpenAI from 'openai'` can be patched by
// instrumentations that your own telemetry setup creates (e.g. getAiMarginInstrumentations()).
//
// Where Node supports it (22.22.3+, 24.11.1+, 26), import-in-the-middle runs as a synchronous,
// in-thread hook through `module.registerHooks()`: Node 26 deprecates `module.register()`
// (DEP0205) and the in-thread hook saves a round-trip to the loader thread per module. Older
// Node, or an import-in-the-middle without `register-hooks.mjs`, gets the asynchronous
// `module.register()` hook as before. import-in-the-middle is resolved from
// @opentelemetry/instrumentation, so the hook and the instrumentations' `Hook()` calls use the
// same copy.
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

async function registerSyncHook() {
  try {
    const fromHere = createRequire(import.meta.url);
    const fromOtel = createRequire(fromHere.resolve('@opentelemetry/instrumentation'));
    const url = pathToFileURL(fromOtel.resolve('import-in-the-middle/register-hooks.mjs')).href;
    const iitm = await import(url);
    if (typeof iitm.supportsSyncHooks !== 'function' || !iitm.supportsSyncHooks()) return false;
    iitm.register();
    return true;
  } catch {
    return false;
  }
}

if (!(await registerSyncHook())) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
