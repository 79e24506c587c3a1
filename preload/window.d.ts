import type { QuarryBridge } from '../contract';

declare global {
  interface Window {
    /** The desktop app's bridge (absent in the browser build). */
    quarry?: QuarryBridge;
  }
}
