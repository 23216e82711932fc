import type { AddressInfo } from 'node:net';
import { createApi, DEFAULT_API_OPTIONS, type Api, type ApiOptions } from './app.ts';
import type { ApiDeps } from './deps.ts';

export interface StartApiServerOptions {
  deps: ApiDeps;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  options?: ApiOptions;
}

export interface ApiServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly app: Api;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

/** Builds the API over `deps` and listens; the caller owns `deps` and closes them after. */
export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const app = await createApi(options.deps, options.options ?? DEFAULT_API_OPTIONS);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    app,
    close: () => app.close(),
  };
}
