import type { Directory } from '../config/directory.js';
import type { Execution } from '../engine/types.js';
import { OpsgateError } from '../errors.js';
import { type Msg, msg } from '../i18n/index.js';
import type { TemplateMeta } from '../store/templates.js';

/**
 * Who may do what, as one table (README's Security section shows the same). Everything a caller
 * may do to something someone else owns is decided here; refusals are 403s with stable codes.
 *
 * | act                          | who                                                            |
 * |------------------------------|----------------------------------------------------------------|
 * | template.write (update, delete) | its creator, the admin group; never a template loaded from files |
 * | template.secrets (inline secrets in GetTemplate) | its creator, the admin group                  |
 * | execution.steer (cancel, NotifyExecution's task words) | its starter, the admin group          |
 * | execution.resume (NotifyExecution Approve at a Pause) | its starter, the admin group, the approvers of its |
 * |                                                       | open ticket                                       |
 * | execution.start of a runbook that asks for approval | a directory user                         |
 */
export type Act = 'template.write' | 'template.secrets' | 'execution.steer' | 'execution.resume';

export class ForbiddenActError extends OpsgateError {
  constructor(code: string, message: string | Msg) {
    super(code, message, 403);
  }
}

export class Permissions {
  constructor(
    private readonly directory: Directory,
    readonly adminGroup = 'admins',
  ) {}

  isAdmin(user: string | undefined): boolean {
    if (!user || !this.directory.user(user)) return false;
    return (
      this.directory.members(this.adminGroup).includes(user) ||
      (this.directory.user(user)?.groups.includes(this.adminGroup) ?? false)
    );
  }

  /** Whether `user` may act on a template (by its metadata). */
  mayOnTemplate(
    user: string | undefined,
    act: 'template.write' | 'template.secrets',
    meta: Pick<TemplateMeta, 'createdBy' | 'source'>,
  ): boolean {
    if (act === 'template.write' && meta.source === 'file') return false;
    return this.isAdmin(user) || (!!user && meta.source !== 'file' && meta.createdBy === user);
  }

  /** Throws the 403 for writing a template `user` does not own. */
  checkTemplateWrite(user: string | undefined, name: string, meta: Pick<TemplateMeta, 'createdBy' | 'source'>): void {
    if (meta.source === 'file')
      throw new ForbiddenActError('Forbidden.ReadOnlyTemplate', msg('core:readOnlyTemplate', { name }));
    if (!this.mayOnTemplate(user, 'template.write', meta)) {
      throw new ForbiddenActError(
        'Forbidden.TemplateOwner',
        msg('core:templateOwner', { name, owner: meta.createdBy ?? '', group: this.adminGroup }),
      );
    }
  }

  /** Whether `user` may steer (or resume) an execution; approvers are who may vote on its open tickets. */
  mayOnExecution(
    user: string | undefined,
    act: 'execution.steer' | 'execution.resume',
    exec: Pick<Execution, 'owner'>,
    approvers: string[] = [],
  ): boolean {
    if (!user || !this.directory.user(user)) return false;
    if (user === exec.owner || this.isAdmin(user)) return true;
    return act === 'execution.resume' && approvers.includes(user);
  }

  checkExecution(
    user: string | undefined,
    act: 'execution.steer' | 'execution.resume',
    exec: Pick<Execution, 'id' | 'owner'>,
    approvers: string[] = [],
  ): void {
    if (this.mayOnExecution(user, act, exec, approvers)) return;
    throw new ForbiddenActError(
      'Forbidden.ExecutionOwner',
      msg(act === 'execution.resume' ? 'core:onlyResume' : 'core:onlySteer', {
        owner: exec.owner ?? 'none',
        group: this.adminGroup,
        id: exec.id,
      }),
    );
  }

  /** A runbook that asks for approval starts only for someone the directory knows: the card must reach people. */
  checkStarter(user: string | undefined, templateName: string): void {
    if (user && this.directory.user(user)) return;
    throw new ForbiddenActError(
      'Forbidden.DirectoryUser',
      user
        ? msg('core:starterNotInDirectory', { template: templateName, user })
        : msg('core:starterUnknown', { template: templateName }),
    );
  }
}
