// The message catalogue: one file per namespace and language; each namespace belongs to one part of opsgate.
import commonEn from './en/common.js';
import commonZh from './zh-CN/common.js';
import chatEn from './en/chat.js';
import chatZh from './zh-CN/chat.js';
import cardEn from './en/card.js';
import cardZh from './zh-CN/card.js';
import slackEn from './en/slack.js';
import slackZh from './zh-CN/slack.js';
import dingtalkEn from './en/dingtalk.js';
import dingtalkZh from './zh-CN/dingtalk.js';
import consoleEn from './en/console.js';
import consoleZh from './zh-CN/console.js';
import pageEn from './en/page.js';
import pageZh from './zh-CN/page.js';
import mailEn from './en/mail.js';
import mailZh from './zh-CN/mail.js';
import cliEn from './en/cli.js';
import cliZh from './zh-CN/cli.js';
import templateEn from './en/template.js';
import templateZh from './zh-CN/template.js';
import functionsEn from './en/functions.js';
import functionsZh from './zh-CN/functions.js';
import actionsEn from './en/actions.js';
import actionsZh from './zh-CN/actions.js';
import engineEn from './en/engine.js';
import engineZh from './zh-CN/engine.js';
import apiEn from './en/api.js';
import apiZh from './zh-CN/api.js';
import httpEn from './en/http.js';
import httpZh from './zh-CN/http.js';
import configEn from './en/config.js';
import configZh from './zh-CN/config.js';
import notifyEn from './en/notify.js';
import notifyZh from './zh-CN/notify.js';
import coreEn from './en/core.js';
import coreZh from './zh-CN/core.js';
import storeEn from './en/store.js';
import storeZh from './zh-CN/store.js';

export const en = {
  common: commonEn,
  chat: chatEn,
  card: cardEn,
  slack: slackEn,
  dingtalk: dingtalkEn,
  console: consoleEn,
  page: pageEn,
  mail: mailEn,
  cli: cliEn,
  template: templateEn,
  functions: functionsEn,
  actions: actionsEn,
  engine: engineEn,
  api: apiEn,
  http: httpEn,
  config: configEn,
  notify: notifyEn,
  core: coreEn,
  store: storeEn,
};

/** Every namespace and key of en, in zh-CN: a missing or extra key is a type error. */
export const zhCN: { [N in keyof typeof en]: Record<keyof (typeof en)[N], string> } = {
  common: commonZh,
  chat: chatZh,
  card: cardZh,
  slack: slackZh,
  dingtalk: dingtalkZh,
  console: consoleZh,
  page: pageZh,
  mail: mailZh,
  cli: cliZh,
  template: templateZh,
  functions: functionsZh,
  actions: actionsZh,
  engine: engineZh,
  api: apiZh,
  http: httpZh,
  config: configZh,
  notify: notifyZh,
  core: coreZh,
  store: storeZh,
};
