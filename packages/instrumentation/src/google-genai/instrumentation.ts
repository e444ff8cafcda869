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
 * the final chunk). The mapping lives in ./extension, run by the shared call flow (../common/flow).
 */
import { isWrapped } from '@opentelemetry/instrumentation';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf } from '../common/module';
import { GoogleGenAIExtension, type Kind } from './extension';
import {
  GOOGLE_GENAI_MODULE,
  GOOGLE_GENAI_SUPPORTED_VERSIONS,
  type GoogleGenAIInstrumentationConfig,
} from './types';

type Internal = (this: unknown, ...args: unknown[]) => unknown;

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
      const extension = new GoogleGenAIExtension(kind);
      this._wrap(proto, method, (original) => this.traced(extension, original as Internal));
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
}
