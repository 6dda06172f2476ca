import type en from '../en/core.js';

/** zh-CN messages of the 'core' namespace: the same keys as en/core.ts (the types check it). */
export default {
  voteNotInDirectory: '你不在 opsgate 通讯录中，因此不能审批。',
  voteNoTicket: '审批单 {id} 不存在。',
  voteRecorded: '已记录你对审批单 {id} 的同意（已同意 {approvals}/{required}）。',
  ticketApproved: '审批单 {id} 已同意。',
  ticketRejected: '审批单 {id} 已拒绝。',
  ticketAlready: '审批单 {id} 已{state}。',
  ticketState: '{state, select, APPROVED {同意} REJECT {拒绝} timedOut {超时} other {取消}}',
  ticketStateReason: '取消（{reason}）',
  notApprover: '你不是审批单 {id} 的审批人。',
  notApproverAtLevel: '你不是审批单 {id} 当前审批级别（{level}）的审批人。',
  selfApproval:
    '{run, select, yes {{decision, select, AGREE {这次执行是你启动的，因此你不能同意它。} ' +
    'other {这次执行是你启动的，因此你不能对它的审批投票；如要停止，请取消执行。}}} ' +
    'other {审批单 {id} 是你申请的，因此你不能对它投票。}}',
  duplicateVote: '你已对审批单 {id} 投过票；每人在一个审批单中只计一次。',
  levelApproved: '审批单 {id} 的审批级别 {n} 已同意；现在由 {next} 审批。',
  levelApprovedNext: '审批单 {id} 的审批级别 {n} 已同意；现在进入下一审批级别。',
  criteriaDoNotHold: '不满足其条件',
  levelNobody: '审批级别 {level} 没有可以审批的人',
  levelTooFew: '审批级别 {level} 需要 {need} 人同意，但只有 {available} 人可以投票（{names}）',
  approversNotInDirectory: '审批人 {names} 不在通讯录中{unknown, plural, other {}}',
  executionEnded:
    '执行 {id} {status, select, Success {已结束} Failed {已失败} Cancelled {已取消} Running {运行中} ' +
    'Waiting {等待中} Queued {排队中} other {{status}}}',
  executionEndedNote:
    '执行 {id} {status, select, Success {已结束} Failed {已失败} Cancelled {已取消} Running {运行中} ' +
    'Waiting {等待中} Queued {排队中} other {{status}}}：{note}',
  timedOut: '已超时',
  escalatedTo: '已升级给 {names}',
  withdrawnBy: '{user} 已撤回',
  withdrawOnlyRequester: '只有{requester, select, none {申请人} other {{requester}}}可以撤回审批单 {id}。',
  transferNotInDirectory: '你不在 opsgate 通讯录中。',
  transferUnknown: '{user} 不在 opsgate 通讯录中。',
  transferToRequester: '{user} 启动了这次执行，不能审批它。',
  transferMoved: '审批级别已变化；请重新查看审批单。',
  transferNotPending: '你在审批单 {id} 上没有待审批的事项。',
  transferAlready: '{user} 已是该审批级别的审批人，或已投过票。',
  cancelled: '已取消',
  cancelledBy: '已被 {user} 取消',
  parentCancelled: '父执行 {id} {reason}',
  completedByHand: '已手动结束',
  completedByHandAs: '已手动结束，状态为 {status}',
  onlyWaitingCompletes: '执行 {id} 的状态为 {status}；只有等待中的执行可以手动结束',
  keepsChanging: '执行 {id} 正在不断变化；请重试',
  readOnlyTemplate: '模板 {name} 从文件加载（OPSGATE_TEMPLATES）：请修改文件，而不是通过 API 修改',
  templateOwner: '模板 {name} 属于 {owner}：只有其本人和 {group} 组可以修改或删除它',
  onlySteer: '只有其启动人（{owner, select, none {无} other {{owner}}}）和 {group} 组可以取消或控制执行 {id}',
  onlyResume:
    '只有其启动人（{owner, select, none {无} other {{owner}}}）、其未结审批单的审批人和 {group} 组可以恢复执行 {id}',
  starterNotInDirectory: '{template} 需要审批，因此必须由 opsgate 通讯录中的人启动（{user} 不在其中）',
  starterUnknown: '{template} 需要审批，因此必须由 opsgate 通讯录中的人启动（CLI 请设置 OPSGATE_USER）',
  notAtTrigger: '执行 {id} 没有在触发器任务处等待',
  wrongTriggerType: 'Type：执行 {id} 在等待 {kind} 触发器，而不是 {type}',
  triggerContentNotJson: 'Content：必须是 JSON 文本形式的消息体',
  clientTokenUsed: '此 ClientToken 已被使用过',
  templateNameInvalid: 'TemplateName {name} 必须由 1-200 个字母、数字、- 或 _ 组成',
  templateNameReserved: 'TemplateName {name} 不能以 ALIYUN、ACS、ALIBABA 或 ALICLOUD 开头',
  templateTooLarge: '{name} 的 Content 超过 64 KB',
  templateExists: '模板 {name} 已存在',
  templateVersionsFull: '模板 {name} 已有 {max} 个版本',
  stateTemplateNotRun: 'State 模板只能存储，不能运行',
  noSuchFolder: '文件或文件夹不存在',
} satisfies Record<keyof typeof en, string>;
