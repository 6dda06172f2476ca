export { fromAcceptLanguage, LOCALES, type Locale, pickLocale, toLocale } from './locale.js';
export { formatTime, isTimeZone } from './time.js';
export {
  isMsg,
  type MessageKey,
  type Msg,
  msg,
  render,
  t,
  type Translate,
  translator,
  type Values,
} from './translate.js';
