/**
 * OpenTelemetry instrumentation for the AWS Bedrock runtime client
 * (`@aws-sdk/client-bedrock-runtime`). It wraps `BedrockRuntimeClient.prototype.send` (which the
 * aggregated `BedrockRuntime` client also goes through) and traces four commands, recognised by
 * class name (or, for minified bundles, by the command schema):
 * Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream.
 *
 * Span: `"{operation} {modelId}"`, kind CLIENT, provider `aws.bedrock`, operation `chat`
 * (`text_completion` for prompt-style InvokeModel bodies such as Meta Llama's, `embeddings` for
 * Titan/Cohere embedding bodies). The request model is the `modelId` as given: inference-profile
 * prefixes (`us.`, `global.`) and ARNs are resolved to a priced model by the processor's price
 * book. `server.address` / `server.port` come from the client's endpoint, resolved once per client
 * (the first call waits for that one promise so the attributes are there at span start).
 *
 * Usage: Bedrock input counts exclude cache reads and writes; the span gets semconv
 * `gen_ai.usage.input_tokens` = input + cacheRead + cacheWrite plus the cache counts apart.
 * Streams: the response `stream` / `body` iterable is wrapped so the span ends once when it is
 * drained, broken off, or fails; usage comes from the `metadata` event (Converse) or the vendor
 * events and `amazon-bedrock-invocationMetrics` (InvokeModel).
 * Callback-style `send(command, cb)` calls are passed through untraced. The mapping lives in
 * ./extension, run by the shared call flow (../common/flow).
 */
import { context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isRecord } from '../common/module';
import { BedrockExtension } from './extension';
import { tracedCommandOf } from './request';
import { resolveServer, type ServerInfo } from './server';
import {
  BEDROCK_MODULE,
  BEDROCK_SUPPORTED_VERSIONS,
  type BedrockInstrumentationConfig,
} from './types';

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;

/** `BedrockRuntimeClient.prototype` of a module object, if it has one. */
function clientPrototype(moduleExports: unknown): Record<string, unknown> | undefined {
  const cls = exportOf(moduleExports, 'BedrockRuntimeClient');
  return typeof cls === 'function' ? (cls.prototype as Record<string, unknown>) : undefined;
}

export class BedrockRuntimeInstrumentation extends GenAIInstrumentationBase<BedrockInstrumentationConfig> {
  // `declare`, made on first use: patchModule may run from the base constructor, before field
  // initialisers. Resolved `server.*` attributes per client instance.
  declare private _servers: WeakMap<object, ServerInfo> | undefined;

  constructor(config: BedrockInstrumentationConfig = {}) {
    super(config);
  }

  protected get moduleName(): string {
    return BEDROCK_MODULE;
  }

  protected get supportedVersions(): string[] {
    return BEDROCK_SUPPORTED_VERSIONS;
  }

  protected patchModule(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    if (!proto || typeof proto.send !== 'function') {
      this._diag.warn(
        `${BEDROCK_MODULE}: BedrockRuntimeClient.prototype.send not found, not patched`,
      );
      return;
    }
    if (isWrapped(proto.send)) this._unwrap(proto, 'send');
    this._wrap(proto, 'send', (original) => this.patchSend(original as Send));
  }

  protected unpatchModule(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    if (proto && isWrapped(proto.send)) this._unwrap(proto, 'send');
  }

  /**
   * The shared flow, after the client's `server.*` is known: the first traced call of a client
   * waits for that one resolution (in the caller's context) so the attributes are there at start.
   */
  private patchSend(original: Send): Send {
    this._servers ??= new WeakMap();
    const servers = this._servers;
    const extension = new BedrockExtension((client) =>
      isRecord(client) ? servers.get(client) : undefined,
    );
    const traced = this.traced(extension, original);
    return function send(this: unknown, command: unknown, ...rest: unknown[]) {
      if (!tracedCommandOf(command) || typeof rest[rest.length - 1] === 'function') {
        return original.call(this, command, ...rest);
      }
      if (!isRecord(this) || servers.has(this)) return traced.call(this, command, ...rest);
      const parent = context.active();
      return resolveServer(this).then((server) => {
        servers.set(this, server);
        return context.with(parent, () => traced.call(this, command, ...rest));
      });
    };
  }
}
