import type { types } from '@slack/bolt';
import type { Reader } from '../../config/reader.js';
import { type Locale, t } from '../../i18n/index.js';
import type { Home } from '../home.js';
import type { FormField, RunForm } from '../run-form.js';

type View = types.ModalView;
type Block = types.KnownBlock;

export const RUN_FORM = 'opsgate-run';
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Block Kit for one field, within Slack's limits (labels 2,000, hints 2,000, options 75/150, 100 options). */
function input(f: FormField): Block {
  const label = { type: 'plain_text' as const, text: cut(f.label, 2000) };
  const hint = f.hint ? { type: 'plain_text' as const, text: cut(f.hint, 2000) } : undefined;
  const option = (v: string) => ({ text: { type: 'plain_text' as const, text: cut(v, 75) }, value: cut(v, 150) });
  let element: types.InputBlock['element'];
  switch (f.kind) {
    case 'select':
      element = {
        type: 'static_select',
        action_id: 'value',
        options: (f.options ?? []).slice(0, 100).map(option),
        ...(f.initial && f.options?.includes(f.initial) ? { initial_option: option(f.initial) } : {}),
      };
      break;
    case 'boolean':
      element = {
        type: 'checkboxes',
        action_id: 'value',
        options: [option('true')],
        ...(f.initial === 'true' ? { initial_options: [option('true')] } : {}),
      };
      break;
    case 'number':
      element = {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: true,
        ...(f.initial ? { initial_value: f.initial } : {}),
        ...(f.min !== undefined ? { min_value: String(f.min) } : {}),
        ...(f.max !== undefined ? { max_value: String(f.max) } : {}),
      };
      break;
    default:
      element = {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: f.kind === 'multiline',
        ...(f.initial ? { initial_value: cut(f.initial, 3000) } : {}),
      };
  }
  // A checkbox left unticked sends nothing: a Boolean is never "required" in the form itself.
  return {
    type: 'input',
    block_id: `p-${f.name}`.slice(0, 255),
    label,
    element,
    optional: !f.required || f.kind === 'boolean',
    ...(hint ? { hint } : {}),
  };
}

/** The run form as a modal, its chrome in the reader's language (the form's own labels already are). */
export function runModal(form: RunForm, meta: { channel: string }, locale: Locale = 'en'): View {
  return {
    type: 'modal',
    callback_id: RUN_FORM,
    title: { type: 'plain_text', text: t(locale, 'slack:runModalTitle') },
    submit: { type: 'plain_text', text: t(locale, 'slack:runModalSubmit') },
    close: { type: 'plain_text', text: t(locale, 'slack:modalCancel') },
    private_metadata: JSON.stringify({ t: form.templateName, v: form.version, c: meta.channel }),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${cut(form.templateName, 200)}* ${form.version}` } },
      ...form.fields.slice(0, 99).map(input),
    ],
  };
}

/** The submitted values by parameter name, as text (what a chat command would give). */
export function formValues(state: Record<string, Record<string, Record<string, unknown>>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    if (!blockId.startsWith('p-')) continue;
    const a = actions.value as
      | {
          type?: string;
          value?: string | null;
          selected_option?: { value: string } | null;
          selected_options?: unknown[];
        }
      | undefined;
    if (!a) continue;
    const name = blockId.slice(2);
    if (a.type === 'checkboxes') out[name] = a.selected_options?.length ? 'true' : 'false';
    else if (a.type === 'static_select') out[name] = a.selected_option?.value ?? '';
    else out[name] = a.value ?? '';
  }
  return out;
}

export const REJECT_FORM = 'opsgate-reject';

/** Reject asks why: the reason goes with the vote and shows on the card and the ticket. */
export function rejectModal(ticketId: string, meta: { channel: string }, locale: Locale = 'en'): View {
  return {
    type: 'modal',
    callback_id: REJECT_FORM,
    title: { type: 'plain_text', text: t(locale, 'card:reject') },
    submit: { type: 'plain_text', text: t(locale, 'card:reject') },
    close: { type: 'plain_text', text: t(locale, 'slack:modalCancel') },
    private_metadata: JSON.stringify({ id: ticketId, c: meta.channel }),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: t(locale, 'slack:rejectWhy', { id: ticketId }) },
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
      },
    ],
  };
}

/** The App Home tab: pending approvals with their buttons, then recent runs (at most 50 blocks), for its reader. */
export function homeView(
  home: Home,
  publicUrl: string,
  reader: Pick<Reader, 'locale'> = { locale: 'en' },
): types.HomeView {
  const { locale } = reader;
  const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text } });
  const blocks: Block[] = [header(t(locale, 'slack:homePending'))];
  if (!home.pending.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: t(locale, 'slack:homeNothingWaits') } });
  for (const ticket of home.pending.slice(0, 15)) {
    const text = t(locale, 'slack:homeTicket', {
      title: t(locale, 'card:title', { id: ticket.id, title: ticket.title }),
      requester: ticket.requester ?? 'none',
      tally: t(locale, 'card:tally', { approvals: ticket.approvals, required: ticket.required }),
    });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(text, 3000) } });
    const button = (id: 'approve' | 'reject', style: 'primary' | 'danger') => ({
      type: 'button' as const,
      action_id: id,
      value: ticket.id,
      style,
      text: { type: 'plain_text' as const, text: t(locale, id === 'approve' ? 'card:approve' : 'card:reject') },
    });
    blocks.push({
      type: 'actions',
      block_id: `approval-${ticket.id}`,
      elements: [button('approve', 'primary'), button('reject', 'danger')],
    });
  }
  blocks.push(header(t(locale, 'slack:homeRuns')));
  const runs = home.runs.map(
    (e) =>
      `<${publicUrl}/executions/${e.id}|${e.id}> ${e.templateName} ${e.templateVersion}: ` +
      t(locale, 'common:status', { status: e.status }),
  );
  const text = cut(runs.join('\n') || t(locale, 'slack:homeNoRuns'), 3000);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  return { type: 'home', blocks: blocks.slice(0, 50) };
}
