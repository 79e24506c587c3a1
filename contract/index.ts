export * from './errors';
export * from './schemas';
export * from './api';
