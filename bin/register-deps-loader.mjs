// `node --import tsx --import ./bin/register-deps-loader.mjs …`: see deps-loader.mjs.
import { register } from 'node:module';

register('./deps-loader.mjs', import.meta.url);
