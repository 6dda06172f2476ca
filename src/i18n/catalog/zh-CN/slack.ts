import type en from '../en/slack.js';

/** zh-CN messages of the 'slack' namespace: the same keys as en/slack.ts (the types check it). */
export default {
  runModalTitle: '运行运维模板',
  runModalSubmit: '运行',
  modalCancel: '取消',
  rejectWhy: '为什么拒绝审批单 {id}？',
  homePending: '等待你审批',
  homeNothingWaits: '没有等待你审批的事项。',
  homeTicket: '*{title}*\n申请人 {requester, select, none {未知} other {{requester}}} · {tally}',
  homeRuns: '你最近的执行',
  homeNoRuns: '还没有执行。',
  envPrefix: '必须以 {prefix} 开头',
  envBotTokenForSocket: '设置了 SLACK_APP_TOKEN 时必须设置（Socket Mode 两者都需要）',
  envHttpPair: '配置 Slack 时必须设置（SLACK_BOT_TOKEN 与 SLACK_SIGNING_SECRET 须同时设置）',
} satisfies Record<keyof typeof en, string>;
