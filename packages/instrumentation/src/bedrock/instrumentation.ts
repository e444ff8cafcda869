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
 * Callback-style `send(command, cb)` calls are passed through untraced.
 */
import { context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { contentAttribute, shouldCaptureContent } from '../common/config';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isRecord } from '../common/module';
import { type GenAISpan, guard, startGenAISpan } from '../common/span';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_PROVIDER,
} from '../semconv';
import {
  assistantText,
  type ChatMessage,
  invokeInputOf,
  invokeOutputOf,
  messagesOf,
  systemOf,
} from './content';
import { type BedrockRequest, readBedrockRequest, tracedCommandOf } from './request';
import {
  converseStreamObserver,
  invokeStreamObserver,
  type StreamSummary,
  wrapResponseStream,
} from './stream';
import {
  BEDROCK_MODULE,
  BEDROCK_SUPPORTED_VERSIONS,
  type BedrockInstrumentationConfig,
} from './types';
import { toGenAIUsage, usageFromConverse, usageFromInvokeBody } from './usage';

interface ServerInfo {
  serverAddress?: string;
  serverPort?: number;
}

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;

const utf8 = new TextDecoder();

/** The host and port the client sends to (custom endpoint, else the regional default). */
async function resolveServer(client: unknown): Promise<ServerInfo> {
  try {
    const config = isRecord(client) && isRecord(client.config) ? client.config : undefined;
    if (!config) return {};
    if (typeof config.endpoint === 'function') {
      const ep: unknown = await (config.endpoint as () => unknown)();
      if (isRecord(ep) && typeof ep.hostname === 'string') {
        const port = typeof ep.port === 'number' ? ep.port : ep.protocol === 'http:' ? 80 : 443;
        return { serverAddress: ep.hostname, serverPort: port };
      }
    }
    if (typeof config.region === 'function') {
      const region: unknown = await (config.region as () => unknown)();
      const fips =
        typeof config.useFipsEndpoint === 'function' &&
        (await (config.useFipsEndpoint as () => unknown)()) === true;
      if (typeof region === 'string' && region !== '') {
        const service = fips ? 'bedrock-runtime-fips' : 'bedrock-runtime';
        return { serverAddress: `${service}.${region}.amazonaws.com`, serverPort: 443 };
      }
    }
  } catch {
    // Endpoint resolution is best effort: the call itself will report a bad configuration.
  }
  return {};
}

function parseJsonBytes(body: unknown): Record<string, unknown> | undefined {
  try {
    const text =
      typeof body === 'string' ? body : body instanceof Uint8Array ? utf8.decode(body) : undefined;
    if (!text) return undefined;
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `BedrockRuntimeClient.prototype` of a module object, if it has one. */
function clientPrototype(moduleExports: unknown): Record<string, unknown> | undefined {
  const cls = exportOf(moduleExports, 'BedrockRuntimeClient');
  return typeof cls === 'function' ? (cls.prototype as Record<string, unknown>) : undefined;
}

function stopReasonOf(body: Record<string, unknown>): string | undefined {
  const r = body.stopReason ?? body.stop_reason;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

export class BedrockRuntimeInstrumentation extends GenAIInstrumentationBase<BedrockInstrumentationConfig> {
  /** Resolved `server.*` attributes per client instance. */
  private readonly servers = new WeakMap<object, ServerInfo>();

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

  private patchSend(original: Send): Send {
    const instrumentation = this;
    return function send(this: unknown, command: unknown, ...rest: unknown[]) {
      const commandName = tracedCommandOf(command);
      if (!commandName || typeof rest[rest.length - 1] === 'function') {
        return original.call(this, command, ...rest);
      }
      const call = (server: ServerInfo) =>
        instrumentation.traceSend(this, original, commandName, command, rest, server);
      const cached = isRecord(this) ? instrumentation.servers.get(this) : undefined;
      if (cached || !isRecord(this)) return call(cached ?? {});
      const parent = context.active();
      return resolveServer(this).then((server) => {
        instrumentation.servers.set(this, server);
        return context.with(parent, () => call(server));
      });
    };
  }

  private traceSend(
    client: unknown,
    original: Send,
    commandName: Parameters<typeof readBedrockRequest>[0],
    command: unknown,
    rest: unknown[],
    server: ServerInfo,
  ): unknown {
    const config = this.getConfig();
    const capture = shouldCaptureContent(config);
    const input = isRecord(command) ? command.input : undefined;
    const span = guard(this._diag, 'starting Bedrock span', () => {
      const req = readBedrockRequest(commandName, input);
      const genAISpan = startGenAISpan(
        this.tracer,
        {
          operation: req.operation,
          provider: GEN_AI_PROVIDER.awsBedrock,
          requestModel: req.model,
          ...server,
          attributes: req.attributes,
        },
        this.genAIMetrics,
        this._diag,
      );
      if (capture) this.captureInput(genAISpan, req, input);
      return { genAISpan, req };
    });
    if (!span) return original.call(client, command, ...rest);
    const { genAISpan, req } = span;

    let pending: unknown;
    try {
      pending = context.with(genAISpan.context, () => original.call(client, command, ...rest));
    } catch (err) {
      genAISpan.fail(err);
      throw err;
    }
    return Promise.resolve(pending).then(
      (response: unknown) => {
        const handled = guard(this._diag, 'reading Bedrock response', () =>
          this.onResponse(genAISpan, req, response, capture),
        );
        // A telemetry bug must not leave the span open: end it with what it has.
        if (!handled) genAISpan.end();
        return response;
      },
      (err: unknown) => {
        genAISpan.fail(err);
        throw err;
      },
    );
  }

  private captureInput(span: GenAISpan, req: BedrockRequest, input: unknown): void {
    const max = this.getConfig().maxContentLength;
    const inp = isRecord(input) ? input : {};
    const messages =
      req.api === 'converse' ? messagesOf(inp.messages) : invokeInputOf(req.invokeBody);
    const system = systemOf(req.api === 'converse' ? inp.system : req.invokeBody?.system);
    if (messages) span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(messages, max));
    if (system) span.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(system, max));
  }

  private captureOutput(span: GenAISpan, message: ChatMessage | undefined): void {
    if (!message) return;
    const max = this.getConfig().maxContentLength;
    span.set(ATTR_GEN_AI_OUTPUT_MESSAGES, contentAttribute([message], max));
  }

  private onResponse(
    span: GenAISpan,
    req: BedrockRequest,
    response: unknown,
    capture: boolean,
  ): true {
    const res = isRecord(response) ? response : {};
    if (req.stream) {
      const onFinish = (summary: StreamSummary) => {
        if (summary.usage) span.setUsage(toGenAIUsage(summary.usage));
        span.setResponse({ finishReasons: summary.finishReasons });
        if (capture && summary.text) {
          this.captureOutput(span, assistantText(summary.text, summary.finishReasons[0]));
        }
      };
      const observer =
        req.api === 'converse'
          ? converseStreamObserver(capture, onFinish)
          : invokeStreamObserver(capture, onFinish);
      const key = req.api === 'converse' ? 'stream' : 'body';
      if (!wrapResponseStream(res, key, span, observer, this._diag)) span.end();
      return true;
    }
    if (req.api === 'converse') {
      const usage = usageFromConverse(res.usage);
      if (usage) span.setUsage(toGenAIUsage(usage));
      const stopReason = typeof res.stopReason === 'string' ? res.stopReason : undefined;
      span.setResponse({ finishReasons: stopReason ? [stopReason] : [] });
      if (capture && isRecord(res.output) && isRecord(res.output.message)) {
        const m = messagesOf([res.output.message])?.[0];
        if (m && stopReason) m.finish_reason = stopReason;
        this.captureOutput(span, m);
      }
      span.end();
      return true;
    }
    const body = parseJsonBytes(res.body);
    if (body) {
      const usage = usageFromInvokeBody(body);
      if (usage) span.setUsage(toGenAIUsage(usage));
      const stopReason = stopReasonOf(body);
      span.setResponse({
        id: body.id,
        finishReasons: stopReason ? [stopReason] : [],
      });
      if (capture) {
        const m = invokeOutputOf(body);
        if (m && stopReason) m.finish_reason = stopReason;
        this.captureOutput(span, m);
      }
    }
    span.end();
    return true;
  }
}
