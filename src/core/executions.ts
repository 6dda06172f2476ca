import { randomBytes } from 'node:crypto';
import type { Execution, Origin } from '../engine/types.js';
import type { Producer } from '../queue/producer.js';
import type { ExecutionStore } from '../store/executions.js';
import type { TemplateStore } from '../store/templates.js';
import { resolveParameters } from '../template/parameters.js';
import { builtinsFor } from './builtins.js';

export interface StartRequest {
  templateName: string;
  templateVersion?: string;
  /** As given: typed JSON from the API, or text from a chat command. */
  parameters: Record<string, unknown>;
  owner?: string;
  origin: Origin;
}

/** Starting executions: checks the template and parameters, saves, and enqueues the first step. */
export class Executions {
  constructor(
    private readonly templates: TemplateStore,
    private readonly store: ExecutionStore,
    private readonly producer: Producer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(req: StartRequest): Promise<Execution> {
    const stored = await this.templates.runnable(req.templateName, req.templateVersion);
    const id = `exec-${randomBytes(10).toString('hex')}`;
    const date = this.now().toISOString();
    const parameters = await resolveParameters(stored.template, req.parameters,
      builtinsFor({ id, templateName: stored.name, templateVersion: stored.version, owner: req.owner }, this.now()));
    const exec: Execution = {
      id, templateName: stored.name, templateVersion: stored.version, parameters, status: 'Queued',
      tasks: {}, owner: req.owner, origin: req.origin, createDate: date, updateDate: date,
    };
    await this.store.create(exec);
    await this.templates.countExecution(stored.name);
    await this.producer.start(id);
    return exec;
  }

  get(id: string): Promise<Execution> {
    return this.store.get(id);
  }
}
