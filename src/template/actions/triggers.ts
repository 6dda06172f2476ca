import { z } from 'zod';
import { any, ex, name, oneOrMany, props, req, scalar, text } from './fields.js';

/** ACS::TimerTrigger: Type cron | rate | at, Expression, TimeZone, StartDate, EndDate (required). */
export const timerTriggerSchema = props({
  Type: req(
    z.string().refine((t) => ['cron', 'rate', 'at'].includes(t.trim().toLowerCase()), 'must be cron, rate or at'),
  ),
  Expression: req(scalar),
  TimeZone: ex(text),
  StartDate: ex(scalar),
  EndDate: req(scalar),
});

/** ACS::EventTrigger: CloudMonitor system events; each filter given must hold. */
export const eventTriggerSchema = props({
  Product: ex(oneOrMany),
  Name: ex(oneOrMany),
  Level: ex(oneOrMany),
  RegionId: ex(oneOrMany),
  // Content key to allowed values, nested maps for nested objects.
  Content: any,
  Tags: any,
  OutputTransformer: any,
});

/** ACS::AlarmTrigger: a CloudMonitor alarm rule; the message is matched leniently (engine/triggers/event.ts). */
export const alarmTriggerSchema = props({
  Namespace: ex(name),
  MetricName: ex(name),
  Statistics: ex(scalar),
  ComparisonOperator: ex(scalar),
  Threshold: ex(scalar),
  Times: ex(scalar),
  Period: ex(scalar),
  Interval: ex(scalar),
  SilenceTime: ex(scalar),
  EffectiveInterval: ex(scalar),
  Resources: any,
  Tags: any,
  OutputTransformer: any,
});
