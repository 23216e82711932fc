export { createApi, DEFAULT_API_OPTIONS, type Api, type ApiOptions } from './app.ts';
export type { ApiDeps } from './deps.ts';
export { startApiServer, type ApiServer, type StartApiServerOptions } from './server.ts';
export {
  ApiEnvSchema,
  ApiEnvShape,
  apiKeysFile,
  apiOptionsFrom,
  loadApiConfig,
  type ApiEnv,
} from './config.ts';
export * from './schemas.ts';
export * from './auth/keys.ts';
