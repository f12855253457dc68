// Where tsx's loader is, for `node --import <it>`: TypeScript apps and TypeScript process files run with it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let tsLoader: string | undefined;
/**
 * tsx's loader, resolved from Shoal's own dependencies so apps need not install anything. Resolved with
 * require's resolver, which CommonJS bundles (the CLI's, the cluster primary's) have too: tsx exports one
 * file for every condition, so both resolvers find the same one.
 */
export function typescriptLoader(): string {
  tsLoader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return tsLoader;
}
