// Preloaded into a child process (node --import) to run the trainer as on a machine where @tensorflow/tfjs-node
// is not installed: its resolution fails with the error Node gives for a missing package.
import { register } from 'node:module';

const hooks = `export async function resolve(specifier, context, next) {
  if (/^@tensorflow\\/tfjs-node(\\/|$)/.test(specifier)) {
    const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
