import {
  parseRunnable as parseRunnableWith,
  parseTemplate as parseTemplateWith,
  type ParsedTemplate,
  type ParseOptions as TemplateParseOptions,
} from '../template/parse.js';
import type { Template } from '../template/schema.js';
import { actionCatalog } from './actions/registry.js';

/** Everything template/parse.ts takes but the actions, which are the engine's built-ins. */
export type ParseOptions = Omit<TemplateParseOptions, 'actions'>;

/** template/parse.ts's parseTemplate with the built-in actions' Properties checked: what callers use. */
export function parseTemplate(content: string, source = 'template', opts: ParseOptions = {}): ParsedTemplate {
  return parseTemplateWith(content, source, { ...opts, actions: actionCatalog });
}

/** An automation template (one that can run), its actions checked as parseTemplate does. */
export function parseRunnable(content: string, source = 'template', opts: ParseOptions = {}): ParsedTemplate<Template> {
  return parseRunnableWith(content, source, { ...opts, actions: actionCatalog });
}
