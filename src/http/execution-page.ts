import { ExecutionNotFoundError } from '../errors.js';
import type { ExecutionStore } from '../store/executions.js';
import type { TemplateStore } from '../store/templates.js';
import { maskParameters } from '../template/parameters.js';
import { maskSecrets, maskText } from '../notify/mask.js';
import { escapeHtml, sendHtml } from './respond.js';
import type { Route } from './server.js';

/** GET /executions/{id}: the page that chat messages link to. NoEcho parameters show as ******. */
export function executionPageRoute(executions: ExecutionStore, templates: TemplateStore): Route {
  return {
    method: 'GET', path: /^\/executions\/(exec-[0-9a-f]{1,64})$/,
    async handle(_req, res, [id]) {
      const exec = await executions.find(id!);
      if (!exec) throw new ExecutionNotFoundError(id!);
      const { template } = await templates.get(exec.templateName, exec.templateVersion);
      const failed = await executions.deliveries(exec.id);
      const e = escapeHtml;
      const rows = Object.entries(exec.tasks).map(([name, t]) =>
        `<tr><td>${e(name)}</td><td>${e(t.action)}</td><td class="${e(t.status)}">${e(t.status)}</td><td>${e(maskText(t.message ?? ''))}</td><td>${e(t.startDate)}</td><td>${e(t.endDate ?? '')}</td></tr>`).join('');
      sendHtml(res, 200, `<!doctype html><meta charset="utf-8"><title>${e(exec.id)} · opsgate</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.Success{color:#137333}.Failed,.Cancelled{color:#b3261e}.Waiting,.Running{color:#8a5a00}pre{background:#f6f6f6;padding:.6rem}</style>
<h1>${e(exec.templateName)} ${e(exec.templateVersion)}</h1>
<p><b>${e(exec.id)}</b> · <span class="${e(exec.status)}">${e(exec.status)}</span>${exec.statusMessage ? ` · ${e(exec.statusMessage)}` : ''}</p>
<p>Started by ${e(exec.owner ?? 'unknown')} from ${e(exec.origin.platform)} at ${e(exec.createDate)}${exec.endDate ? `, ended ${e(exec.endDate)}` : ''}</p>
<h2>Parameters</h2><pre>${e(JSON.stringify(maskSecrets(maskParameters(template, exec.parameters)), null, 2))}</pre>
<h2>Tasks</h2><table><tr><th>task</th><th>action</th><th>status</th><th>message</th><th>started</th><th>ended</th></tr>${rows}</table>
${failed.length ? `<h2>Notifications that failed</h2><ul>${failed.map((f) => `<li>${e(String(f.time))} ${e(String(f.channel))} (approval ${e(String(f.ticketId))}): ${e(String(f.message))}</li>`).join('')}</ul>` : ''}
${exec.outputs ? `<h2>Outputs</h2><pre>${e(JSON.stringify(exec.outputs, null, 2))}</pre>` : ''}`);
    },
  };
}
