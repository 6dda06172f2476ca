import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { OpsgateError } from '../errors.js';
import { msg } from '../i18n/index.js';

/**
 * How a JSON document (an execution's, a ticket's) is kept in Redis. A document that will sit there,
 * an execution Waiting, a ticket, is deflated against a preset dictionary of what every such
 * document repeats: a Waiting run's 770 B of JSON keep in 155, its ticket's 463 in 80 (with what
 * resting-execution.ts and ApprovalTickets leave out). Which documents sit is the store's to say
 * (ExecutionStore's atRest): deflating costs a CPU-bound worker ~15-40 us a document.
 *
 * The first byte says which it is: `{` is JSON (and everything an older opsgate wrote), VERSION_1 is
 * deflate-raw against DICTIONARY_1. A dictionary is never changed once released: documents written
 * with it must stay readable. A better one comes as a new version byte beside it.
 */
const VERSION_1 = 0x01;
// A 4 KB window: room for the dictionary (2 KB) and a document of that size to refer back to it.
const OPTIONS = { level: 6, memLevel: 8, windowBits: 12 } as const;

// The words of the documents, least frequent first: deflate reaches the end of a dictionary soonest.
const DICTIONARY_1 = Buffer.from(
  [
    '"loopMode":"","loop":{"Total":0,"Success":0,"Failed":0},"detached":true,"index":0,"callbackUrl":"',
    '"gate":{},"pausedOnFailure":true,"children":[],"parent":{"executionId":"exec-","taskName":"',
    '"tags":{},"description":"","descriptionText":{"key":"template:","noEcho":[],"startAt":"',
    '"mode":"Debug","FailurePause","Cancelled","CANCEL","REJECT","APPROVED","rejected","skipped",',
    '"ACS::ExecuteAPI","ACS::Notify","ACS::Sleep","ACS::WaitFor","ACS::Approve","ACS::Choice",',
    '"properties":{"Approvers":[],"MinRequiredApprovals":1,"Duration":"PT0S"},',
    '"data":{"ticketId":"1"},"outputs":{},"text":{"key":"actions:waitingForApproval","values":{"id":"1"}},',
    '"status":"Failed","status":"Success","status":"Running","status":"Queued","status":"Waiting",',
    '"origin":{"platform":"api","channel":"console","user":""},"mode":"Automatic","regionId":"cn-hangzhou",',
    '"current":"","statusMessage":"","statusText":{"key":"actions:","values":{}},',
    '"endDate":"20","updateDate":"20",',
    '"createDate":"20","owner":"","tasks":{"',
    '":{"taskExecutionId":"task-exec-","status":"Success","action":"ACS::","startDate":"20',
    '{"id":"exec-","templateName":"","templateVersion":"v1","parameters":{},"status":"',
    // A ticket's document, as ApprovalTickets.create writes it.
    '{"key":"approve/task-exec-","executionId":"exec-","taskName":"","templateName":"","title":"",',
    '"description":"","orderType":"RUNBOOK","requester":"","spec":{"levels":[{"name":"Approval",',
    '"nameText":{"key":"template:defaultLevelName"},"mode":"MIN","min":1,"approvers":[]}],',
    '"allowSelfApproval":false,"chat":true},"subject":{},"reasons":[],"createDate":"20',
  ].join(''),
);

/** The stored form of `json`: deflated when it will `sit` (see above), else the JSON itself. */
export function packDoc(json: string, sit: boolean): string | Buffer {
  if (!sit) return json;
  const body = deflateRawSync(json, { ...OPTIONS, dictionary: DICTIONARY_1 });
  return Buffer.concat([Buffer.of(VERSION_1), body]);
}

/** Whether a stored document is deflated (packDoc with `sit`), not JSON. */
export const isPacked = (stored: Buffer) => stored[0] === VERSION_1;

/** The JSON of a stored document, whichever form it was stored in. */
export function unpackDoc(stored: Buffer): string {
  if (stored[0] !== VERSION_1) return stored.toString('utf8');
  try {
    return inflateRawSync(stored.subarray(1), { windowBits: OPTIONS.windowBits, dictionary: DICTIONARY_1 }).toString(
      'utf8',
    );
  } catch (err) {
    throw new OpsgateError('InternalError', msg('store:docUnreadable', { reason: (err as Error).message }), 500);
  }
}
