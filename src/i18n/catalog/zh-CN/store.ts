import type en from '../en/store.js';

/** zh-CN messages of the 'store' namespace: the same keys as en/store.ts (the types check it). */
export default {
  ticketDescription: '模板 {template} 的执行 {id} 在任务 {task} 等待审批。',
  ticketReason: '{template} 在任务 {task} 需要审批',
  executionExists: '执行 {id} 已存在',
  loopMissing: '执行 {id} 的循环 {task} 不存在',
  loopContention: '执行 {id} 的循环 {task}：并发冲突过多',
  purgeNotEnded: '执行 {id} 的状态为{status}：只有已结束的执行才会移出 Redis',
  docUnreadable: '存储的文档无法解压：{reason}',
  noScript: '没有 Lua 脚本 {name}',
  noRedis:
    '127.0.0.1:6379 上没有 Redis 应答，且 PATH 中没有 redis-server：请安装（apt install redis-server、' +
    'brew install redis），或设置 REDIS_URL',
  redisDidNotStart: 'redis-server 未能在端口 {port} 上启动',
  archiveSchema: '归档 schema {schema}：只能包含字母、数字和 _，最多 63 个字符',
  archiveCursor: 'cursor：不是审计给出的游标',
  archiveNotADate: '归档：{what} 不是日期：{value}',
  archiveVoteOf: '审批单 {ticket} 中 {voter} 的审批意见',
  archiveClosed: '归档已关闭',
} satisfies Record<keyof typeof en, string>;
