import { z } from 'zod';
import { any, ex, name, oneOrMany, props, req, scalar, text } from '../../template/property-fields.js';
import { timerSchedule } from '../triggers/timer.js';
import { isMsg, t } from '../../i18n/index.js';
import { said, saidBy } from '../message.js';
import type { Action, BuiltinAction } from './types.js';

/**
 * ACS::TimerTrigger: schedules the timer and waits. Each firing starts a child execution of the
 * tasks after the trigger (core/triggers.ts); when EndDate passes the execution ends.
 */
export const timerTrigger: BuiltinAction = {
  name: 'ACS::TimerTrigger',
  // Type cron | rate | at, Expression, TimeZone, StartDate, EndDate (required).
  schema: props({
    Type: req(
      z.string().refine((t) => ['cron', 'rate', 'at'].includes(t.trim().toLowerCase()), t('en', 'actions:timerType')),
    ),
    Expression: req(scalar),
    TimeZone: ex(text),
    StartDate: ex(scalar),
    EndDate: req(scalar),
  }),
  async run({ execution, properties, record, ports }) {
    const endDate = record?.data?.endDate as number | undefined;
    if (record?.data?.scheduled) {
      if (endDate !== undefined && ports.now() >= endDate) {
        await ports.triggers.unschedule(execution.id);
        return { kind: 'success', result: {}, next: 'ACS::END' };
      }
      const { description, text } = record.data;
      const waiting =
        typeof description === 'string'
          ? { message: description, ...(isMsg(text) ? { text } : {}) }
          : said('actions:waitingForTimer');
      return { kind: 'wait', ...waiting, data: record.data, resumeAt: endDate };
    }
    let schedule: ReturnType<typeof timerSchedule>;
    try {
      schedule = timerSchedule(properties, new Date(ports.now()));
    } catch (err) {
      return { kind: 'failed', ...saidBy(err) };
    }
    await ports.triggers.schedule(execution.id, schedule.repeat);
    // Kept for the waits after this one (the English and the text), as the task's message.
    const waiting = said('actions:waitingForSchedule', { schedule: schedule.description });
    const data = {
      scheduled: true,
      endDate: schedule.repeat.endDate,
      description: waiting.message,
      text: waiting.text,
    };
    return { kind: 'wait', ...waiting, data, resumeAt: schedule.repeat.endDate };
  },
};

/** ACS::EventTrigger and ACS::AlarmTrigger: wait for TriggerExecution to feed messages. */
const messageTrigger = (what: 'events' | 'alarms'): Action => ({
  async run() {
    return { kind: 'wait', ...said('actions:waitingForMessages', { what }), data: { listening: true } };
  },
});

/** ACS::EventTrigger: CloudMonitor system events; each filter given must hold. */
export const eventTrigger: BuiltinAction = {
  name: 'ACS::EventTrigger',
  schema: props({
    Product: ex(oneOrMany),
    Name: ex(oneOrMany),
    Level: ex(oneOrMany),
    RegionId: ex(oneOrMany),
    // Content key to allowed values, nested maps for nested objects.
    Content: any,
    Tags: any,
    OutputTransformer: any,
  }),
  ...messageTrigger('events'),
};

/** ACS::AlarmTrigger: a CloudMonitor alarm rule; the message is matched leniently (triggers/event.ts). */
export const alarmTrigger: BuiltinAction = {
  name: 'ACS::AlarmTrigger',
  schema: props({
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
  }),
  ...messageTrigger('alarms'),
};
