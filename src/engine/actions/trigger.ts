import { timerSchedule } from '../triggers/timer.js';
import type { Action } from './types.js';

/**
 * ACS::TimerTrigger: schedules the timer and waits. Each firing starts a child execution of the
 * tasks after the trigger (core/triggers.ts); when EndDate passes the execution ends.
 */
export const timerTrigger: Action = {
  async run({ execution, properties, record, ports }) {
    const endDate = record?.data?.endDate as number | undefined;
    if (record?.data?.scheduled) {
      if (endDate !== undefined && ports.now() >= endDate) {
        await ports.triggers.unschedule(execution.id);
        return { kind: 'success', result: {}, next: 'ACS::END' };
      }
      return {
        kind: 'wait',
        message: String(record.data.description ?? 'waiting for the timer'),
        data: record.data,
        resumeAt: endDate,
      };
    }
    let schedule: ReturnType<typeof timerSchedule>;
    try {
      schedule = timerSchedule(properties, new Date(ports.now()));
    } catch (err) {
      return { kind: 'failed', message: (err as Error).message };
    }
    await ports.triggers.schedule(execution.id, schedule.repeat);
    const data = {
      scheduled: true,
      endDate: schedule.repeat.endDate,
      description: `waiting for the timer: ${schedule.description}`,
    };
    return { kind: 'wait', message: data.description, data, resumeAt: schedule.repeat.endDate };
  },
};

/** ACS::EventTrigger and ACS::AlarmTrigger: wait for TriggerExecution to feed messages. */
export const messageTrigger = (what: string): Action => ({
  async run() {
    return { kind: 'wait', message: `waiting for ${what} (TriggerExecution)`, data: { listening: true } };
  },
});
