import { DING_CLIENT_ID, DING_CLIENT_SECRET, type FakeDingTalk } from '../fakes/dingtalk.js';
import { Target } from '../fakes/target.js';
import { startOpsgate, type Opsgate } from './harness.js';

/**
 * The environment of an opsgate connected to `fake`. Its people are checked in English: the directory
 * gives them `locale: en` (DingTalk's own default is zh-CN). `template` null: no card template, so
 * approvals go as messages.
 */
export function dingtalkEnv(fake: FakeDingTalk, template: string | null = 'tpl-approval'): Record<string, string> {
  return {
    OPSGATE_DIRECTORY: 'test/fixtures/i18n/directory-en.yaml',
    DINGTALK_CLIENT_ID: DING_CLIENT_ID,
    DINGTALK_CLIENT_SECRET: DING_CLIENT_SECRET,
    DINGTALK_GATEWAY_URL: fake.gatewayUrl,
    DINGTALK_API_URL: fake.base,
    DINGTALK_OAPI_URL: fake.base,
    ...(template ? { DINGTALK_CARD_TEMPLATE_ID: template } : {}),
  };
}

/** A target for runbooks' HTTP tasks, and an opsgate connected to `fake` once its stream is up. */
export async function startDingTalkOpsgate(
  fake: FakeDingTalk,
  env: Record<string, string> = dingtalkEnv(fake),
): Promise<{ og: Opsgate; target: Target; close(): Promise<void> }> {
  const target = await new Target().start();
  const og = await startOpsgate({ env });
  await fake.waitForConnections(1);
  return {
    og,
    target,
    async close() {
      await og.close();
      await target.stop();
    },
  };
}
