export * from './rpc';
export * from './schema';
