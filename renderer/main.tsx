import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import type { QuarryBridge } from '../contract';
import { createClient } from './api';
import { App, SignedOut } from './App';
import { StoresContext, type Stores } from './app/context';
import { createStores } from './app/stores';
import './styles/app.css';

const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const root = createRoot(document.getElementById('root')!);
const client = createClient(window as Window & { quarry?: QuarryBridge });

// Pasting the printed login URL into a tab that is already open changes only the fragment,
// which does not reload the page: start again so the new token is taken.
window.addEventListener('hashchange', () => {
  if (/(^|[#&])token=/.test(window.location.hash)) window.location.reload();
});

/** Renders the app, or the sign-in page while the server refuses the token. */
function Root({ stores }: { stores: Stores }) {
  const connection = useSyncExternalStore(stores.app.subscribe, () => stores.app.getState().connection);
  if (connection === 'unauthorized') return <SignedOut refused />;
  return (
    <StoresContext.Provider value={stores}>
      <App isMac={isMac} />
    </StoresContext.Provider>
  );
}

if (!client) {
  root.render(<SignedOut refused={false} />);
} else {
  const stores = createStores(client, window.localStorage);
  // Ask for the library listing before React's first render, so the request (2.5 MB for 10,000
  // documents) overlaps rendering the shell instead of waiting for it.
  void stores.library.getState().refresh();
  root.render(
    <StrictMode>
      <Root stores={stores} />
    </StrictMode>,
  );
}
