/**
 * The Bedrock runtime mapping behind the shared call flow (../common/flow), for
 * `BedrockRuntimeClient.send(command)`: the command -> span start (./request; `server.*` from the
 * client's endpoint, resolved beforehand by the instrumentation, see ./server), responses ->
 * ./response, ConverseStream / InvokeModelWithResponseStream events -> ./stream. `chain` mode:
 * the caller gets the SDK's response object with its `stream` / `body` iterable wrapped.
 */
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_PROVIDER,
} from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import type {
  ProviderExtension,
  RequestMetadata,
  SdkCall,
  StreamExtension,
} from '../common/extension';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import { assistantText, invokeInputOf, messagesOf, systemOf } from './content';
import { type BedrockRequest, readBedrockRequest, tracedCommandOf } from './request';
import { captureOutput, recordBedrockResponse, recordServiceTier } from './response';
import type { ServerInfo } from './server';
import {
  converseStreamObserver,
  invokeStreamObserver,
  type StreamSummary,
  wrapResponseStream,
} from './stream';
import type { BedrockInstrumentationConfig } from './types';
import { toGenAIUsage } from './usage';

type Config = BedrockInstrumentationConfig;

/** The traced command: what it asks for, and its raw input (for content capture). */
export interface BedrockCall {
  req: BedrockRequest;
  input: unknown;
}

const stream: StreamExtension<Config, BedrockCall> = {
  observer(span, { req }, config) {
    const capture = span.captureContent;
    const onFinish = (summary: StreamSummary) => {
      if (summary.usage) span.setUsage(toGenAIUsage(summary.usage));
      recordServiceTier(span, summary.serviceTier);
      span.setResponse({ finishReasons: summary.finishReasons });
      if (capture && summary.text) {
        const message = assistantText(summary.text, summary.finishReasons[0]);
        captureOutput(span, message, config.maxContentLength);
      }
    };
    return req.api === 'converse'
      ? converseStreamObserver(capture, onFinish)
      : invokeStreamObserver(capture, onFinish);
  },
  attach(response, span, observer, { req }, diag) {
    if (!isRecord(response)) return undefined;
    // InvokeModelWithResponseStream: the tier is a response header, on the response object.
    recordServiceTier(span, response.serviceTier);
    const key = req.api === 'converse' ? 'stream' : 'body';
    return wrapResponseStream(response, key, span, observer, diag) ? response : undefined;
  },
};

export class BedrockExtension implements ProviderExtension<Config, BedrockCall> {
  readonly name = 'Bedrock';
  readonly resultMode = 'chain';
  readonly stream = stream;

  /** `serverOf(client)`: the resolved `server.*` attributes of a client ({} when unknown). */
  constructor(private readonly serverOf: (client: unknown) => ServerInfo | undefined) {}

  requestPreSpanHook(call: SdkCall<Config>): RequestMetadata<BedrockCall> | undefined {
    const command = call.args[0];
    const commandName = tracedCommandOf(command);
    if (!commandName) return undefined;
    const input = isRecord(command) ? command.input : undefined;
    const req = readBedrockRequest(commandName, input);
    return {
      span: {
        operation: req.operation,
        provider: GEN_AI_PROVIDER.awsBedrock,
        requestModel: req.model,
        ...this.serverOf(call.self),
        attributes: req.attributes,
      },
      request: { req, input },
      stream: req.stream,
    };
  }

  captureRequest(span: GenAISpan, { req, input }: BedrockCall, call: SdkCall<Config>): void {
    const max = call.config.maxContentLength;
    const inp = isRecord(input) ? input : {};
    const messages =
      req.api === 'converse' ? messagesOf(inp.messages) : invokeInputOf(req.invokeBody);
    const system = systemOf(req.api === 'converse' ? inp.system : req.invokeBody?.system);
    if (messages) span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(messages, max));
    if (system) span.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(system, max));
  }

  responseHook(span: GenAISpan, response: unknown, { req }: BedrockCall, config: Config): void {
    recordBedrockResponse(span, req, response, config.maxContentLength);
  }
}
