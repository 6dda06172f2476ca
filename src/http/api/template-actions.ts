import { createHash } from 'node:crypto';
import { z } from 'zod';
import { maskTemplateContent } from '../../engine/mask-template.js';
import { OpsgateError, TemplateInvalidError } from '../../errors.js';
import { msg } from '../../i18n/index.js';
import type { Permissions } from '../../core/permissions.js';
import type { StoredTemplate, TemplateStore } from '../../store/templates.js';
import { parseTemplate } from '../../engine/parse.js';
import { isStateTemplate } from '../../template/schema.js';
import { count, date, flag, jsonMap, text } from './input.js';
import { says, TemplateContentError } from './message.js';
import { page, sortBy } from './paging.js';
import { defineAction, type ApiAction } from './router.js';
import { category, listedView, templateView } from './template-view.js';

const name = z
  .string({ error: says('api:mustBeText') })
  .min(1, says('api:mustNotBeEmpty'))
  .max(200, says('api:mustBeAtMostChars'));
const tags = jsonMap(z.string()).refine((t) => Object.keys(t).length <= 20, says('api:atMostTags'));
const sortFields = ['TotalExecutionCount', 'Popularity', 'TemplateName', 'CreatedDate', 'UpdatedDate'] as const;

/** The template store as OOS's template API. */
export function templateActions(store: TemplateStore, permissions: Permissions): Record<string, ApiAction> {
  const write = (mode: 'create' | 'update') =>
    defineAction({
      input: z.object({
        TemplateName: name,
        Content: text(1024 * 1024),
        VersionName: text(200).optional(),
        Tags: tags.optional(),
        ResourceGroupId: text(200).optional(),
      }),
      async run(i, ctx) {
        if (mode === 'update')
          permissions.checkTemplateWrite(ctx.user, i.TemplateName, (await store.get(i.TemplateName)).meta);
        const t = await store.put(i.TemplateName, i.Content, {
          mode,
          by: ctx.user,
          versionName: i.VersionName,
          tags: i.Tags,
          resourceGroupId: i.ResourceGroupId,
        });
        return { Template: templateView(t) };
      },
    });

  return {
    CreateTemplate: write('create'),
    UpdateTemplate: write('update'),

    GetTemplate: defineAction({
      input: z.object({
        TemplateName: name,
        TemplateVersion: z
          .string()
          .regex(/^v\d{1,3}$/, says('api:mustBeVersion'))
          .optional(),
      }),
      async run(i, ctx) {
        const t = await store.get(i.TemplateName, i.TemplateVersion);
        if (permissions.mayOnTemplate(ctx.user, 'template.secrets', t.meta))
          return { Content: t.content, Template: templateView(t) };
        // The hash of what this caller sees: the real content's hash would let a weak secret be guessed offline.
        const content = maskTemplateContent(t.content, t.format);
        return {
          Content: content,
          Template: templateView(
            content === t.content ? t : { ...t, hash: createHash('sha256').update(content).digest('hex') },
          ),
        };
      },
    }),

    DeleteTemplate: defineAction({
      input: z.object({ TemplateName: name }),
      async run(i, ctx) {
        permissions.checkTemplateWrite(ctx.user, i.TemplateName, (await store.get(i.TemplateName)).meta);
        await store.delete(i.TemplateName);
        return {};
      },
    }),

    ListTemplates: defineAction({
      input: z.object({
        TemplateName: text(200).optional(),
        TemplateFormat: z.enum(['JSON', 'YAML']).optional(),
        TemplateType: z.enum(['Automation', 'State', 'Package']).optional(),
        ShareType: z.enum(['Public', 'Private']).optional(),
        Category: z.enum(['TimerTrigger', 'EventTrigger', 'AlarmTrigger', 'Other']).optional(),
        CreatedBy: text(200).optional(),
        CreatedDateAfter: date.optional(),
        CreatedDateBefore: date.optional(),
        HasTrigger: flag.optional(),
        Tags: tags.optional(),
        SortField: z.enum(sortFields).default('TotalExecutionCount'),
        SortOrder: z.enum(['Ascending', 'Descending']).default('Descending'),
        MaxResults: count(10, 100).default(50),
        NextToken: text(100).optional(),
      }),
      async run(i) {
        const matches = (t: StoredTemplate) =>
          (!i.TemplateName || t.name.toLowerCase().includes(i.TemplateName.toLowerCase())) &&
          (!i.TemplateFormat || t.format === i.TemplateFormat) &&
          (!i.TemplateType || (isStateTemplate(t.template) ? 'State' : 'Automation') === i.TemplateType) &&
          (!i.ShareType || t.meta.shareType === i.ShareType) &&
          (!i.Category || category(t) === i.Category) &&
          (!i.CreatedBy || t.meta.createdBy === i.CreatedBy) &&
          (!i.CreatedDateAfter || Date.parse(t.meta.createdDate) >= Date.parse(i.CreatedDateAfter)) &&
          (!i.CreatedDateBefore || Date.parse(t.meta.createdDate) <= Date.parse(i.CreatedDateBefore)) &&
          (i.HasTrigger === undefined || (category(t) !== 'Other') === i.HasTrigger) &&
          Object.entries(i.Tags ?? {}).every(([k, v]) => t.meta.tags[k] === v);
        const key = (t: StoredTemplate): string | number =>
          ({
            TotalExecutionCount: t.executionCount,
            Popularity: t.executionCount,
            TemplateName: t.name,
            CreatedDate: t.meta.createdDate,
            UpdatedDate: t.meta.updatedDate,
          })[i.SortField];
        const all = sortBy((await store.all()).filter(matches), key, i.SortOrder, (t) => t.name);
        const { items, next } = page(all, i.MaxResults, i.NextToken);
        return { Templates: items.map(listedView), MaxResults: i.MaxResults, ...(next ? { NextToken: next } : {}) };
      },
    }),

    ValidateTemplateContent: defineAction({
      input: z.object({ Content: text(1024 * 1024) }),
      async run(i) {
        if (Buffer.byteLength(i.Content) > 64 * 1024)
          throw new OpsgateError('InvalidParameter', msg('api:contentTooLarge'));
        let parsed: ReturnType<typeof parseTemplate>;
        try {
          parsed = parseTemplate(i.Content, 'template', { knownTemplates: new Set(await store.names()) });
        } catch (err) {
          if (err instanceof TemplateInvalidError) throw new TemplateContentError(err.problems);
          throw err;
        }
        const t = parsed.template;
        return {
          Parameters: JSON.stringify(t.Parameters),
          ...(isStateTemplate(t)
            ? {}
            : {
                Outputs: JSON.stringify(t.Outputs ?? {}),
                RamRole: t.RamRole ?? '',
                Tasks: t.Tasks.map((task) => ({
                  Name: task.Name,
                  Type: task.Action,
                  Description:
                    typeof task.Description === 'string' ? task.Description : JSON.stringify(task.Description ?? ''),
                  Properties: JSON.stringify(task.Properties),
                  Outputs: JSON.stringify(task.Outputs ?? {}),
                })),
              }),
        };
      },
    }),
  };
}
