/**
 * Parsing of provider-specific model id decorations, done once per distinct id (results are
 * cached by the price book): Bedrock ARNs and cross-region inference-profile prefixes.
 */

/** Bedrock cross-region inference-profile prefixes (`us.anthropic.claude-…`). */
export const GEO_PREFIXES: readonly string[] = ['us-gov', 'us', 'eu', 'apac', 'jp', 'au', 'global'];

export interface ParsedModelId {
  /** The id with any ARN removed (may still carry a geo prefix). */
  id: string;
  /** The id without ARN and geo prefix: the id to price. */
  base: string;
  /** The geo prefix without its dot (`us`, `global`), when there was one. */
  geo?: string;
  /** Set when the id can never be priced from the shipped book (explains why). */
  unresolvable?: string;
}

const ARN_RESOURCE = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:([a-z-]+)\/(.+)$/;

export function parseModelId(raw: string): ParsedModelId {
  let id = raw;
  if (raw.startsWith('arn:')) {
    const match = ARN_RESOURCE.exec(raw);
    if (!match) {
      return { id: raw, base: raw, unresolvable: 'not a Bedrock model ARN' };
    }
    const [, kind, resource] = match as unknown as [string, string, string];
    if (kind === 'inference-profile' || kind === 'foundation-model') {
      id = resource;
    } else if (kind === 'application-inference-profile') {
      return {
        id: raw,
        base: raw,
        unresolvable:
          'an application inference profile ARN does not name its model; price the ARN in a user price file or report the underlying model id',
      };
    } else {
      return {
        id: raw,
        base: raw,
        unresolvable: `Bedrock ${kind} ARNs are not priced per token; price the ARN in a user price file`,
      };
    }
  }
  const dot = id.indexOf('.');
  if (dot > 0) {
    const prefix = id.slice(0, dot);
    if (GEO_PREFIXES.includes(prefix)) return { id, base: id.slice(dot + 1), geo: prefix };
  }
  return { id, base: id };
}
