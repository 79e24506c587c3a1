// js-yaml ships no types and @types/js-yaml is not installed; this is the one function used.
declare module 'js-yaml' {
  const yaml: { load(source: string): unknown };
  export default yaml;
}
