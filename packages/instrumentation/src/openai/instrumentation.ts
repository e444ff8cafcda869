/**
 * OpenTelemetry instrumentation of the `openai` package (>=4.19 <8): `chat.completions.create`,
 * `responses.create` and `embeddings.create`, plain and streaming, for the `OpenAI`,
 * `AzureOpenAI` (provider `azure.ai.openai`) and `BedrockOpenAI` (provider `aws.bedrock`) clients.
 *
 * The patched methods return the SDK's own `APIPromise` (so `.withResponse()`, `.asResponse()`
 * and the helpers built on `_thenUnwrap` keep working) and, for streams, the SDK's own `Stream`.
 * The outcome is read where the SDK parses the response (./api-promise), never by parsing it a
 * second time; a stream's private `iterator` factory is wrapped (./stream), which `for await`,
 * `tee()` and `toReadableStream()` all go through, so the span ends exactly once when the
 * stream is drained, broken off, or fails. The mapping lives in ./extension, run by the shared
 * call flow (../common/flow).
 */
import { GEN_AI_PROVIDER } from '@ai-margin/conventions';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isOwnWrapper, isRecord, prototypeOf } from '../common/module';
import { type ClientClasses, type Endpoint, OpenAIExtension } from './extension';
import { OPENAI_SUPPORTED_VERSIONS, type OpenAIInstrumentationConfig } from './types';

type AnyFn = (...args: unknown[]) => unknown;
type Params = Record<string, unknown>;

/** The prototypes this instrumentation patches, per endpoint, found in a module's exports. */
function targetsOf(moduleExports: unknown): Array<[Endpoint, Record<string, unknown>]> {
  const OpenAI = exportOf(moduleExports, 'OpenAI') ?? exportOf(moduleExports, 'default');
  const chat =
    isRecord(OpenAI) || typeof OpenAI === 'function' ? (OpenAI as Params).Chat : undefined;
  const targets: Array<[Endpoint, Record<string, unknown>]> = [];
  const completions = prototypeOf(chat, 'Completions');
  if (completions) targets.push(['chat', completions]);
  const responses = prototypeOf(OpenAI, 'Responses');
  if (responses) targets.push(['responses', responses]);
  const embeddings = prototypeOf(OpenAI, 'Embeddings');
  if (embeddings) targets.push(['embeddings', embeddings]);
  return targets;
}

export class OpenAIInstrumentation extends GenAIInstrumentationBase<OpenAIInstrumentationConfig> {
  // `declare`, no initialiser: set by patchModule, and an initialiser would run after the base
  // constructor (which may already enable, and so patch).
  declare private _clientClasses: ClientClasses | undefined;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(config);
  }

  protected get moduleName(): string {
    return 'openai';
  }

  protected get supportedVersions(): string[] {
    return OPENAI_SUPPORTED_VERSIONS;
  }

  protected patchModule(moduleExports: unknown): void {
    this._clientClasses = [
      [GEN_AI_PROVIDER.azureOpenai, exportOf(moduleExports, 'AzureOpenAI')],
      [GEN_AI_PROVIDER.awsBedrock, exportOf(moduleExports, 'BedrockOpenAI')],
    ];
    const targets = targetsOf(moduleExports);
    if (targets.length === 0) this._diag.warn('openai module has no Chat.Completions to patch');
    for (const [endpoint, proto] of targets) {
      // `_wrap` replaces whatever wrapper is there (OTel convention: the last patch wins).
      const extension = new OpenAIExtension(endpoint, () => this._clientClasses ?? []);
      this._wrap(proto, 'create', (original) => this.traced(extension, original as AnyFn));
    }
  }

  protected unpatchModule(moduleExports: unknown): void {
    for (const [, proto] of targetsOf(moduleExports)) {
      // Only our own wrapper: never strip one that another tool installed over or instead of ours.
      if (isOwnWrapper(proto.create)) this._unwrap(proto, 'create');
    }
  }
}
