// Entry of the engine's utilityProcess (built to out/main/engine-host.js). It opens the
// engine on the data folder given as the first argument and serves the protocol in
// protocol.ts over process.parentPort.
import { createEngine } from '../main/engine';
import { canAnswer, withAnswers } from '../main/server/answers';
import { liveRerank, withSettings } from '../main/server/settings';
import { toQuarryError } from '../main/util/errors';
import { createHostHandler } from './host-handler';
import { isToHost, type FromHost } from './protocol';

const port = process.parentPort;
const post = (m: FromHost): void => port.postMessage(m);

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('engine-host: no data folder given');
  const opened = await createEngine({ dataDir });
  // The desktop app keeps the API key in the OS keychain and passes it as QUARRY_API_KEY.
  const engine = withSettings(canAnswer(opened) ? withAnswers(opened) : opened, { dataDir, keyStorage: 'secure', applyRerank: liveRerank(opened) });
  const handler = createHostHandler(engine, post);
  port.on('message', (e) => {
    if (isToHost(e.data)) void handler.onMessage(e.data);
  });
  post({ kind: 'ready' });
}

main().catch((e: unknown) => {
  post({ kind: 'fatal', error: toQuarryError(e).toInfo() });
  process.exit(1);
});
