/**
 * `server.address` / `server.port` of a Bedrock runtime client: its custom endpoint, else the
 * regional default. Resolving is asynchronous (the client's config providers), so it happens
 * once per client before its first traced call, and the result is kept per client instance.
 */
import { isRecord } from '../common/module';

export interface ServerInfo {
  serverAddress?: string;
  serverPort?: number;
}

/** The host and port the client sends to (custom endpoint, else the regional default). */
export async function resolveServer(client: unknown): Promise<ServerInfo> {
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
