import { ex, map, name, props, req, text } from './fields.js';

/** ACS::Template: a child execution of TemplateName (at TemplateVersion) with Parameters. */
export const templateSchema = props({
  TemplateName: req(name),
  TemplateVersion: ex(text),
  Parameters: ex(map),
});

export const templateUnsupported = {
  TemplateContent: 'opsgate runs templates from the store: create it and give its TemplateName',
};
