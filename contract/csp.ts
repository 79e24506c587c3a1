/**
 * The Content-Security-Policy of the app's pages, one policy for the Electron window and the
 * browser build (the same as renderer/index.html's meta tag). pdf.js needs a blob: worker and
 * WebAssembly (its JPEG 2000 decoder); nothing may be loaded from another origin.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
