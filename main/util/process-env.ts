/**
 * The environment for the desktop app's engine process. The command line (`quarry`, `npm start`,
 * `npm run bench`) applies the same rule in bin/arena.js, plain JavaScript that runs before tsx;
 * a unit test keeps the two alike.
 *
 * On Linux, glibc gives threads their own malloc arenas (up to eight per core) and seldom hands
 * memory freed in one back to the system. The engine runs a dozen allocating threads (PDF and
 * embedding workers, LanceDB's runtime, libuv's pool), so its RSS rose with each long document.
 * `quarry ingest` of the 619-page PDF in shared/corpus/pdf/long_real peaked at 860, 1,000 and
 * 1,010 MB with the default and at 924 and 931 MB with two arenas, taking the same time
 * (`/usr/bin/time -v`, 2-core machine). A value the user set is kept.
 */
export function engineProcessEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  if (platform !== 'linux' || env.MALLOC_ARENA_MAX !== undefined) return env;
  return { ...env, MALLOC_ARENA_MAX: '2' };
}
