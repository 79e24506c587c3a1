export { startServer } from './server';
export { generateToken, tokensEqual } from './auth';
export { CONTENT_SECURITY_POLICY } from './static';
export type { QuarryServer, ServerOptions, TransportEngine, BodyLimits, LogFn } from './types';
export { withAnswers, canAnswer, type AnsweringEngine } from './answers';
export { liveRerank, withSettings, testRemote, type SettingsOptions } from './settings';
