import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { StoresContext, type Stores } from '../../../renderer/app/context';
import { createStores } from '../../../renderer/app/stores';
import { FakeClient } from './fake-client';

/**
 * Renders a component to HTML with real stores over a FakeClient. Server rendering needs no
 * DOM library (none is installed) and shows exactly the markup a first paint produces;
 * interaction is covered by the end-to-end suite in a real browser.
 */
export function renderWith(ui: ReactElement, setup?: (s: Stores) => void): { html: string; stores: Stores; client: FakeClient } {
  const client = new FakeClient();
  const stores = createStores(client);
  setup?.(stores);
  // zustand renders a server snapshot from each store's *initial* state (hydration safety);
  // here the state the test set up is the one to render.
  for (const store of [stores.app, stores.library, stores.search, stores.settings, stores.chat]) {
    (store as { getInitialState: () => unknown }).getInitialState = store.getState;
  }
  const html = renderToStaticMarkup(<StoresContext.Provider value={stores}>{ui}</StoresContext.Provider>);
  return { html, stores, client };
}

/** Occurrences of a substring. */
export function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}
