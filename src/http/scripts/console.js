// The web console's page script (src/chat/console/page.html), served as /assets/console.js: the
// pages' Content-Security-Policy runs no inline script. Every word it shows comes from the reader's
// `console` catalogue, which the page carries as JSON (#strings), each {placeholder} left to fill here.
'use strict';
const messages = new Map();
/** The acting person's private answers ("only you"), each beside the channel message it answers. */
const replies = [];
const log = document.getElementById('log');
const userSelect = document.getElementById('user');
const rejectDialog = document.getElementById('reject');
let strings = JSON.parse(document.getElementById('strings').textContent);
let timeZone;
/** What the connection's state line says: connecting, live, reconnecting. */
let statusKey = 'connecting';

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) node.append(c);
  return node;
}

/** A catalogue message as parts: its text, with each {name} replaced by values[name] (text or a node). */
function say(key, values = {}) {
  const text = strings[key] ?? key;
  return text.split(/(\{[A-Za-z]+\})/).flatMap((part) => {
    const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
    if (!name || !(name in values)) return part ? [part] : [];
    const v = values[name];
    return Array.isArray(v) ? v : [v];
  });
}

/** A catalogue message as plain text. */
function text(key, values = {}) {
  return say(key, values)
    .map((p) => (typeof p === 'string' ? p : p.textContent))
    .join('');
}

/** The page's own words (marked data-i18n) in the reader's language, again after the reader changed. */
function applyStrings(locale) {
  document.documentElement.lang = locale;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = text(node.dataset.i18n);
  document.title = text('title');
  document.getElementById('status').textContent = text(statusKey);
  document.getElementById('dev').title = text('devModeTitle');
  document.getElementById('text').placeholder = text('placeholder');
  document.getElementById('text').setAttribute('aria-label', text('commandLabel'));
  userSelect.setAttribute('aria-label', text('actingAs'));
}

function mention(name) {
  return el('span', { class: 'mention' }, `@${name}`);
}

function list(names) {
  return names.flatMap((p, i) => (i ? [' ', mention(p)] : [mention(p)]));
}

/** Text with each link, and each execution id, a link (an id to its execution page). */
function linked(s) {
  return String(s)
    .split(/(https?:\/\/[^\s<>"]+|\bexec-[0-9a-f]{4,64}\b)/)
    .map((part, i) =>
      i % 2 === 0
        ? part
        : part.startsWith('exec-')
          ? el('a', { href: `/executions/${part}`, class: 'exec' }, part)
          : el('a', { href: part.replace(/[.,;:)]+$/, '') }, part),
    );
}

/** What the channel said (the bot's words, in its channel's language), as given: marked `said`. */
function said(...parts) {
  return el('span', { class: 'said' }, ...parts);
}

function renderCard(card) {
  const body = [el('h3', {}, said(card.title))];
  body.push(
    el(
      'div',
      {},
      card.requester ? [...say('requestedBy', { who: mention(card.requester) }), ' · '] : '',
      card.executionId ? el('a', { href: `/executions/${card.executionId}` }, card.executionId) : '',
    ),
  );
  if (card.outcome)
    body.push(el('div', { class: `outcome ${card.status}`, 'data-testid': 'outcome' }, said(card.outcome)));
  else body.push(el('div', {}, say('waitingFor', { who: list(card.pending) })));
  body.push(
    el(
      'div',
      { class: 'tally', 'data-testid': 'tally' },
      said(card.tally),
      card.approvedBy.length ? [' · ', ...say('approvedBy', { who: card.approvedBy.join(', ') })] : '',
    ),
  );
  if (card.buttons.length) {
    body.push(
      el(
        'div',
        {},
        card.buttons.map((b) =>
          el(
            'button',
            { class: b.style, 'data-action': b.id, onclick: () => act(b.id, b.value, card.messageId) },
            b.id === 'approve' || b.id === 'reject' ? text(b.id) : b.label,
          ),
        ),
      ),
    );
  }
  return el('div', { class: 'card', 'data-ticket': card.ticketId }, body);
}

function renderMessage(m) {
  const when = new Date(m.date);
  const time = el(
    'time',
    { datetime: m.date },
    when.toLocaleTimeString(document.documentElement.lang, timeZone ? { timeZone } : {}),
  );
  const card = m.card && { ...m.card, messageId: m.id };
  return el('div', { class: 'msg', id: m.id }, time, card ? renderCard(card) : said(...linked(m.text)));
}

/** The top-level message a message belongs to: itself, or the one its thread hangs from. */
function groupOf(id) {
  const m = messages.get(id);
  return m?.thread && messages.has(m.thread) ? m.thread : id;
}

function renderReplies(rs) {
  return el(
    'div',
    { class: 'replies' },
    // i18n-exempt: CSS class names
    rs.map((r) => el('div', { class: 'msg private' }, say('onlyYou', { text: said(...linked(r.text)) }))),
  );
}

function render() {
  log.replaceChildren();
  const ordered = [...messages.values()].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const threads = new Map();
  for (const m of ordered) if (m.thread) (threads.get(m.thread) ?? threads.set(m.thread, []).get(m.thread)).push(m);
  // Those made before any message was there come first, as they did.
  const first = replies.filter((r) => !r.anchor);
  if (first.length) log.append(renderReplies(first));
  const shown = new Set(first);
  for (const m of ordered) {
    if (m.thread && messages.has(m.thread)) continue;
    log.append(renderMessage(m));
    const thread = threads.get(m.id);
    if (thread) log.append(el('div', { class: 'thread' }, thread.map(renderMessage)));
    const mine = replies.filter((r) => r.anchor && groupOf(r.anchor) === m.id);
    for (const r of mine) shown.add(r);
    if (mine.length) log.append(renderReplies(mine));
  }
  // Those whose message is gone from the channel.
  const rest = replies.filter((r) => !shown.has(r));
  if (rest.length) log.append(renderReplies(rest));
  log.scrollTop = log.scrollHeight;
}

/** The newest top-level message: what a command typed now answers to. */
function lastMessageId() {
  let last;
  for (const m of messages.values()) if (!last || Number(m.id.slice(1)) > Number(last.slice(1))) last = m.id;
  return last && groupOf(last);
}

function reply(replyText, anchor) {
  if (!replyText) return;
  replies.push({ text: replyText, anchor });
  if (replies.length > 20) replies.shift();
  render();
}

let csrf = '';

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  if (res.status === 401) {
    location.href = '/login';
    return '';
  }
  const data = await res.json();
  if (!res.ok) return data.Message || text('error', { status: res.status });
  return data.reply;
}

async function act(action, value, anchor) {
  // Reject asks why first, and is sent only when confirmed with a reason.
  if (action === 'reject') return askReject(value, anchor);
  reply(await post('/console/action', { user: userSelect.value, action, value }), anchor);
}

function askReject(ticketId, anchor) {
  document.getElementById('rejectWhy').textContent = text('rejectWhy', { id: ticketId });
  const reason = document.getElementById('reason');
  reason.value = '';
  rejectDialog.returnValue = '';
  rejectDialog.onclose = async () => {
    if (rejectDialog.returnValue !== 'reject' || !reason.value.trim()) return;
    const answer = await post('/console/action', {
      user: userSelect.value,
      action: 'reject',
      value: ticketId,
      comment: reason.value.trim(),
    });
    reply(answer, anchor);
  };
  rejectDialog.showModal();
}

document.getElementById('rejectCancel').addEventListener('click', () => rejectDialog.close(''));

document.getElementById('say').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  const said = input.value.trim();
  if (!said) return;
  input.value = '';
  const anchor = lastMessageId();
  reply(`> ${said}`, anchor);
  reply(await post('/console/command', { user: userSelect.value, text: said }), anchor);
});

document.getElementById('logout').addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST', headers: { 'x-csrf-token': csrf } });
  location.href = '/login';
});

/** The reader's language and zone: the signed-in user's, or in development mode the chosen one's. */
async function loadStrings() {
  const res = await fetch(`/console/strings?user=${encodeURIComponent(userSelect.value)}`);
  if (!res.ok) return;
  const r = await res.json();
  strings = r.strings;
  timeZone = r.timeZone;
  applyStrings(r.locale);
}

// Another person acts now: what was said only to the one before is not theirs to see.
userSelect.addEventListener('change', async () => {
  localStorage.setItem('opsgate.user', userSelect.value);
  replies.length = 0;
  await loadStrings();
  render();
});

async function start() {
  const res = await fetch('/console/state');
  if (res.status === 401) {
    location.href = '/login';
    return;
  }
  const state = await res.json();
  csrf = state.csrf;
  timeZone = state.timeZone;
  document.getElementById('queues').hidden = !state.admin;
  if (state.me) {
    document.getElementById('me').hidden = false;
    document.getElementById('myname').textContent = state.me;
    document.getElementById('logout').hidden = false;
  } else if (state.dev) {
    document.getElementById('dev').hidden = false;
    document.getElementById('picker').hidden = false;
    const saved = localStorage.getItem('opsgate.user');
    for (const u of state.users) userSelect.append(el('option', u === saved ? { selected: '' } : {}, u));
    if (!state.users.length) userSelect.append(el('option', { value: '' }, text('noUsers')));
    if (userSelect.value) await loadStrings();
  }
  for (const m of state.messages) messages.set(m.id, m);
  render();
  const events = new EventSource('/console/events');
  const connection = (key) => {
    statusKey = key;
    document.getElementById('status').textContent = text(key);
  };
  events.onopen = () => connection('live');
  events.onerror = () => connection('reconnecting');
  events.onmessage = (e) => {
    const m = JSON.parse(e.data);
    messages.set(m.id, m);
    render();
  };
}
start();
