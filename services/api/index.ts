export { createApi, DEFAULT_API_OPTIONS, type Api, type ApiOptions } from './app.ts';
export type { ApiDeps } from './deps.ts';
export * from './schemas.ts';
export * from './auth/keys.ts';
