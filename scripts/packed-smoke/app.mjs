// The app of the packed-package smoke check (run.mjs), in a fresh project that installed the
// README's install line, the packed @ai-margin/* tarballs and the four SDKs. Run exactly as the
// README says: `node --import @ai-margin/instrumentation/hook --import ./telemetry.mjs app.mjs`,
// where telemetry.mjs is the README's block verbatim (2.x: with its documented two-line change).
//
// One call per provider through the real SDK client against the provider simulator, each inside
// withAttribution for its own customer. Prints JSON: the calls' answers and the prom-client text
// of the registry the README's setup registered the processor in. run.mjs checks the figures.
import { withAttribution } from '@ai-margin/instrumentation';
import { startProviderSim } from '@ai-margin/provider-sim';
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { register } from 'prom-client';
import { margin, sdk } from './telemetry.mjs';

// Neutral usage the simulator reports for every call (no cache, no reasoning): prices are
// applied to 1000 input and 200 output tokens.
const sim = await startProviderSim({ script: () => ({ usage: { input: 1000, output: 200 } }) });
const watchdog = setTimeout(() => {
  console.error('packed-smoke app: timed out after 60 s');
  process.exit(2);
}, 60_000);
watchdog.unref();

const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'smoke', maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: sim.url, apiKey: 'smoke', maxRetries: 0 });
const google = new GoogleGenAI({ apiKey: 'smoke', httpOptions: { baseUrl: sim.url } });
const bedrock = new BedrockRuntimeClient({
  region: 'us-east-1',
  endpoint: sim.url,
  credentials: { accessKeyId: 'smoke', secretAccessKey: 'smoke' },
  maxAttempts: 1,
  // The SDK defaults to HTTP/2 for streams; the simulator speaks HTTP/1.1.
  requestHandler: new NodeHttpHandler(),
});
const messages = [{ role: 'user', content: 'Hello from the packed-package smoke check' }];

await margin.customers.ready;
const answers = {};
answers.openai = await withAttribution({ customerId: 'cust-openai', feature: 'smoke' }, () =>
  openai.chat.completions.create({ model: 'gpt-4o-mini', messages }),
);
answers.anthropic = await withAttribution({ customerId: 'cust-anthropic', feature: 'smoke' }, () =>
  anthropic.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 256, messages }),
);
answers.google = await withAttribution({ customerId: 'cust-google', feature: 'smoke' }, () =>
  google.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello' }),
);
answers.bedrock = await withAttribution({ customerId: 'cust-bedrock', feature: 'smoke' }, () =>
  bedrock.send(
    new ConverseCommand({
      modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
    }),
  ),
);
await sim.close();

const usage = {
  openai: answers.openai.usage,
  anthropic: answers.anthropic.usage,
  google: answers.google.usageMetadata,
  bedrock: answers.bedrock.usage,
};
process.stdout.write(`${JSON.stringify({ usage, metrics: await register.metrics() })}\n`);
await sdk.shutdown();
process.exit(0);
