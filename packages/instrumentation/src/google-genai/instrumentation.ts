/**
 * OpenTelemetry instrumentation for `@google/genai` (the Google Gen AI SDK, Gemini API and
 * Vertex AI).
 *
 * The public `models.generateContent`, `generateContentStream` and `embedContent` are arrow
 * functions assigned per instance in the `Models` constructor, so there is no prototype method
 * to wrap. They delegate to prototype methods that make exactly one HTTP request each:
 * `generateContentInternal`, `generateContentStreamInternal`, `embedContentInternal`. Those are
 * wrapped, which gives one span per model request — also when the SDK makes several for one
 * public call (automatic function calling, automatic continuation), each priced on its own
 * usage — and covers `chats.sendMessage*` too, which goes through the same methods. The merged
 * response of a continued call (summed usage) is never read, so nothing is counted twice.
 *
 * Span: `"{operation} {model}"`, kind CLIENT, provider `gcp.gemini` (`gcp.vertex_ai` when the
 * client is in Vertex mode), operation `generate_content` or `embeddings`. The model is the
 * request model without `models/` / `publishers/…/models/` decoration; `modelVersion` becomes
 * the response model. Usage mapping: see `./usage`; the served service tier: see `./tier`.
 * Streams: the returned async generator is wrapped so the span ends exactly once on drain,
 * `break`, or error; usage is the last `usageMetadata` seen (Gemini sends the complete counts on
 * the final chunk).
 */
import { context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { contentAttribute, shouldCaptureContent } from '../common/config';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isRecord } from '../common/module';
import { type GenAISpan, guard, serverAttributes, startGenAISpan } from '../common/span';
import { type StreamObserver, wrapStreamIterator } from '../common/stream';
import {
  ATTR_AI_MARGIN_SERVICE_TIER,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '../semconv';
import { assistantText, inputMessagesOf, outputMessagesOf, systemInstructionOf } from './content';
import { errorForSpan } from './errors';
import { baseUrlOf, generateRequestAttributes, isVertex, normalizeModel } from './request';
import { type ServedTier, servedTierOf } from './tier';
import {
  GOOGLE_GENAI_MODULE,
  GOOGLE_GENAI_SUPPORTED_VERSIONS,
  type GoogleGenAIInstrumentationConfig,
} from './types';
import { embeddingUsage, geminiUsage } from './usage';

type Kind = 'generate' | 'stream' | 'embed';
type Internal = (this: unknown, params: unknown, ...rest: unknown[]) => unknown;

/**
 * The prototype methods wrapped, one HTTP request each, per kind: the first name present on
 * `Models.prototype` is patched. `@google/genai` 1.0 had `embedContent` on the prototype (no
 * `embedContentInternal` yet); later releases made it an instance arrow function.
 */
const PATCH_TARGETS: ReadonlyArray<[Kind, readonly string[]]> = [
  ['generate', ['generateContentInternal']],
  ['stream', ['generateContentStreamInternal']],
  ['embed', ['embedContentInternal', 'embedContent']],
];

/** The method name patched for `kind` on `proto`, or undefined. */
function targetMethod(
  proto: Record<string, unknown>,
  names: readonly string[],
): string | undefined {
  return names.find((name) => Object.hasOwn(proto, name) && typeof proto[name] === 'function');
}

function modelsPrototype(moduleExports: unknown): Record<string, unknown> | undefined {
  const cls = exportOf(moduleExports, 'Models');
  return typeof cls === 'function' ? (cls.prototype as Record<string, unknown>) : undefined;
}

function finishReasonsOf(response: Record<string, unknown>): string[] {
  if (!Array.isArray(response.candidates)) return [];
  const out: string[] = [];
  for (const c of response.candidates) {
    if (isRecord(c) && typeof c.finishReason === 'string') out.push(c.finishReason);
  }
  return out;
}

function candidateText(response: Record<string, unknown>): string {
  const first = Array.isArray(response.candidates) ? response.candidates[0] : undefined;
  const content = isRecord(first) && isRecord(first.content) ? first.content : undefined;
  if (!content || !Array.isArray(content.parts)) return '';
  let text = '';
  for (const p of content.parts) {
    if (isRecord(p) && typeof p.text === 'string' && p.thought !== true) text += p.text;
  }
  return text;
}

export class GoogleGenAIInstrumentation extends GenAIInstrumentationBase<GoogleGenAIInstrumentationConfig> {
  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(config);
  }

  protected get moduleName(): string {
    return GOOGLE_GENAI_MODULE;
  }

  protected get supportedVersions(): string[] {
    return GOOGLE_GENAI_SUPPORTED_VERSIONS;
  }

  protected patchModule(moduleExports: unknown): void {
    const proto = modelsPrototype(moduleExports);
    if (!proto) {
      this._diag.warn(`${GOOGLE_GENAI_MODULE}: Models class not found, not patched`);
      return;
    }
    for (const [kind, names] of PATCH_TARGETS) {
      const method = targetMethod(proto, names);
      if (!method) {
        this._diag.warn(
          `${GOOGLE_GENAI_MODULE}: Models.prototype.${names.join(' / ')} not found, not traced`,
        );
        continue;
      }
      if (isWrapped(proto[method])) this._unwrap(proto, method);
      this._wrap(proto, method, (original) => this.patchMethod(original as Internal, kind));
    }
  }

  protected unpatchModule(moduleExports: unknown): void {
    const proto = modelsPrototype(moduleExports);
    if (!proto) return;
    for (const [, names] of PATCH_TARGETS) {
      for (const method of names) {
        if (isWrapped(proto[method])) this._unwrap(proto, method);
      }
    }
  }

  private patchMethod(original: Internal, kind: Kind): Internal {
    const instrumentation = this;
    return function patched(this: unknown, params: unknown, ...rest: unknown[]) {
      const apiClient = isRecord(this) ? this.apiClient : undefined;
      const capture = shouldCaptureContent(instrumentation.getConfig());
      const span = guard(instrumentation._diag, 'starting Google GenAI span', () =>
        instrumentation.startSpan(kind, params, apiClient, capture),
      );
      if (!span) return original.call(this, params, ...rest);

      let pending: unknown;
      try {
        pending = context.with(span.context, () => original.call(this, params, ...rest));
      } catch (err) {
        span.fail(err);
        throw err;
      }
      return Promise.resolve(pending).then(
        (response: unknown) => {
          const diag = instrumentation._diag;
          if (kind === 'stream') {
            const wrapped = guard(diag, 'wrapping Google GenAI stream', () =>
              instrumentation.wrapStream(span, response, capture),
            );
            if (wrapped !== undefined) return wrapped;
            span.end();
            return response;
          }
          const handled = guard(diag, 'reading Google GenAI response', () =>
            instrumentation.onResponse(span, kind, response, capture),
          );
          // A telemetry bug must not leave the span open: end it with what it has.
          if (!handled) span.end();
          return response;
        },
        (err: unknown) => {
          span.fail(errorForSpan(err));
          throw err;
        },
      );
    };
  }

  private startSpan(kind: Kind, params: unknown, apiClient: unknown, capture: boolean): GenAISpan {
    const p = isRecord(params) ? params : {};
    const operation =
      kind === 'embed' ? GEN_AI_OPERATION.embeddings : GEN_AI_OPERATION.generateContent;
    const span = startGenAISpan(
      this.tracer,
      {
        operation,
        provider: isVertex(apiClient) ? GEN_AI_PROVIDER.gcpVertexAi : GEN_AI_PROVIDER.gcpGemini,
        requestModel: normalizeModel(p.model),
        ...serverAttributes(baseUrlOf(apiClient, params)),
        attributes: kind === 'embed' ? {} : generateRequestAttributes(params, kind === 'stream'),
      },
      this.genAIMetrics,
      this._diag,
    );
    if (capture) {
      const max = this.getConfig().maxContentLength;
      const messages = inputMessagesOf(p.contents);
      if (messages) span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(messages, max));
      const system = systemInstructionOf(params);
      if (system) span.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(system, max));
    }
    return span;
  }

  private onResponse(span: GenAISpan, kind: Kind, response: unknown, capture: boolean): true {
    const res = isRecord(response) ? response : {};
    span.set(ATTR_AI_MARGIN_SERVICE_TIER, servedTierOf(res));
    if (kind === 'embed') {
      const usage = embeddingUsage(res);
      if (usage) span.setUsage(usage);
      span.end();
      return true;
    }
    const usage = geminiUsage(res.usageMetadata);
    if (usage) span.setUsage(usage);
    span.setResponse({
      model: res.modelVersion,
      id: res.responseId,
      finishReasons: finishReasonsOf(res),
    });
    if (capture) {
      const out = outputMessagesOf(res);
      if (out) {
        span.set(
          ATTR_GEN_AI_OUTPUT_MESSAGES,
          contentAttribute(out, this.getConfig().maxContentLength),
        );
      }
    }
    span.end();
    return true;
  }

  /** The SDK's async generator, iterated through the span-ending wrapper. */
  private wrapStream(span: GenAISpan, stream: unknown, capture: boolean): unknown {
    const iterable = stream as AsyncIterable<unknown> | undefined;
    if (!iterable || typeof iterable[Symbol.asyncIterator] !== 'function') {
      span.end();
      return stream;
    }
    let model: unknown;
    let id: unknown;
    let finishReasons: string[] = [];
    let tier: ServedTier | undefined;
    let text = '';
    const observer: StreamObserver<unknown> = {
      onItem: (chunk) => {
        if (!isRecord(chunk)) return;
        const usage = geminiUsage(chunk.usageMetadata);
        if (usage) span.setUsage(usage);
        if (typeof chunk.modelVersion === 'string') model = chunk.modelVersion;
        if (typeof chunk.responseId === 'string') id = chunk.responseId;
        // Every chunk has the headers; Vertex's trafficType comes with the final usage.
        tier = servedTierOf(chunk) ?? tier;
        const reasons = finishReasonsOf(chunk);
        if (reasons.length > 0) finishReasons = reasons;
        if (capture) text += candidateText(chunk);
      },
      onFinish: () => {
        span.setResponse({ model, id, finishReasons });
        span.set(ATTR_AI_MARGIN_SERVICE_TIER, tier);
        if (capture && text) {
          span.set(
            ATTR_GEN_AI_OUTPUT_MESSAGES,
            contentAttribute(
              assistantText(text, finishReasons[0]),
              this.getConfig().maxContentLength,
            ),
          );
        }
      },
    };
    const it = wrapStreamIterator(iterable[Symbol.asyncIterator](), span, observer, this._diag);
    // Async generators are their own iterables; keep that for `for await` and the SDK's helpers.
    return Object.assign(it, {
      [Symbol.asyncIterator]() {
        return it;
      },
    });
  }
}
