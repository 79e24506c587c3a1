/** Whether Playwright's Electron launcher can run here, and if not, why (see electron-status.js). */
export function electronStatus(): { available: true; executable: string } | { available: false; reason: string };
