/**
 * OpenTelemetry instrumentation of `@anthropic-ai/sdk` (>=0.30 <2): `messages.create` (plain
 * and streaming), `messages.stream()` (which calls `create` with `stream: true`), and the same
 * on `beta.messages`. Returns the SDK's own `APIPromise` / `Stream` / `MessageStream`; for
 * streams only the `Stream`'s private `iterator` factory is wrapped, so the span ends exactly
 * once when the stream is drained, broken off, aborted or fails. See {@link AnthropicBuiltInTracing}
 * for how this coexists with the SDK's own tracing. The mapping lives in ./extension, run by
 * the shared call flow (../common/flow).
 */
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isOwnWrapper, isRecord, markOwnWrapper, prototypeOf } from '../common/module';
import { clientOf, withoutBuiltInTracing } from './built-in-tracing';
import { AnthropicExtension } from './extension';
import { ANTHROPIC_SUPPORTED_VERSIONS, type AnthropicInstrumentationConfig } from './types';

type AnyFn = (...args: unknown[]) => unknown;
type Params = Record<string, unknown>;

/** `Messages` prototypes of a module: `Anthropic.Messages` and `Anthropic.Beta.Messages`. */
function messagesPrototypes(moduleExports: unknown): Params[] {
  const Anthropic = exportOf(moduleExports, 'Anthropic') ?? exportOf(moduleExports, 'default');
  const out: Params[] = [];
  const messages = prototypeOf(Anthropic, 'Messages');
  if (messages) out.push(messages);
  const beta =
    typeof Anthropic === 'function' || isRecord(Anthropic) ? (Anthropic as Params).Beta : undefined;
  const betaMessages = prototypeOf(beta, 'Messages');
  if (betaMessages && betaMessages !== messages) out.push(betaMessages);
  return out;
}

export class AnthropicInstrumentation extends GenAIInstrumentationBase<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(config);
  }

  protected get moduleName(): string {
    return '@anthropic-ai/sdk';
  }

  protected get supportedVersions(): string[] {
    return ANTHROPIC_SUPPORTED_VERSIONS;
  }

  protected patchModule(moduleExports: unknown): void {
    const protos = messagesPrototypes(moduleExports);
    const extension = new AnthropicExtension(() => this._mode());
    if (protos.length === 0) this._diag.warn('@anthropic-ai/sdk module has no Messages to patch');
    for (const proto of protos) {
      // `_wrap` replaces whatever wrapper is there (OTel convention: the last patch wins).
      this._wrap(proto, 'create', (original) => this.traced(extension, original as AnyFn));
      if (typeof proto.stream === 'function') {
        this._wrap(proto, 'stream', (original) => this._patchedStream(original as AnyFn));
      }
    }
  }

  protected unpatchModule(moduleExports: unknown): void {
    for (const proto of messagesPrototypes(moduleExports)) {
      // Only our own wrapper: never strip one that another tool installed over or instead of ours.
      if (isOwnWrapper(proto.create)) this._unwrap(proto, 'create');
      if (isOwnWrapper(proto.stream)) this._unwrap(proto, 'stream');
    }
  }

  private _mode() {
    return this.getConfig().builtInTracing ?? 'suppress';
  }

  private _patchedStream(original: AnyFn): AnyFn {
    const self = this;
    return markOwnWrapper(function patchedStream(this: unknown, ...args: unknown[]) {
      if (!self.isEnabled()) return original.apply(this, args);
      // The span itself comes from the create() call that stream() makes.
      return withoutBuiltInTracing(clientOf(this), self._mode(), () => original.apply(this, args));
    });
  }
}
