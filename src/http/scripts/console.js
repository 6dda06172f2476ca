// The web console's page script (src/chat/console/page.html), served as /assets/console.js: the
// pages' Content-Security-Policy runs no inline script.
'use strict';
const messages = new Map();
const privateReplies = [];
const log = document.getElementById('log');
const userSelect = document.getElementById('user');

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) node.append(c);
  return node;
}

function mention(name) {
  return el('span', { class: 'mention' }, `@${name}`);
}

function renderCard(card) {
  const body = [el('h3', {}, card.title)];
  body.push(
    el(
      'div',
      {},
      card.requester ? ['Requested by ', mention(card.requester), ' · '] : '',
      el('a', { href: card.executionUrl }, card.executionId),
    ),
  );
  if (card.outcome) body.push(el('div', { class: `outcome ${card.status}`, 'data-testid': 'outcome' }, card.outcome));
  else
    body.push(
      el(
        'div',
        {},
        'Waiting for ',
        card.pending.flatMap((p, i) => (i ? [' ', mention(p)] : [mention(p)])),
      ),
    );
  body.push(
    el(
      'div',
      { class: 'tally', 'data-testid': 'tally' },
      card.tally,
      card.approvedBy.length ? ` · approved by ${card.approvedBy.join(', ')}` : '',
    ),
  );
  if (card.buttons.length) {
    body.push(
      el(
        'div',
        {},
        card.buttons.map((b) =>
          el('button', { class: b.style, 'data-action': b.id, onclick: () => act(b.id, b.value) }, b.label),
        ),
      ),
    );
  }
  return el('div', { class: 'card', 'data-ticket': card.ticketId }, body);
}

function renderMessage(m) {
  const time = el('time', {}, new Date(m.date).toLocaleTimeString());
  return el('div', { class: 'msg', id: m.id }, time, m.card ? renderCard(m.card) : m.text);
}

function render() {
  log.replaceChildren();
  const ordered = [...messages.values()].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const replies = new Map();
  for (const m of ordered) if (m.thread) (replies.get(m.thread) ?? replies.set(m.thread, []).get(m.thread)).push(m);
  for (const m of ordered) {
    if (m.thread && messages.has(m.thread)) continue;
    log.append(renderMessage(m));
    const thread = replies.get(m.id);
    if (thread) log.append(el('div', { class: 'thread' }, thread.map(renderMessage)));
  }
  for (const r of privateReplies) log.append(el('div', { class: 'msg private' }, r));
  log.scrollTop = log.scrollHeight;
}

function reply(text) {
  privateReplies.push(`(only you) ${text}`);
  if (privateReplies.length > 20) privateReplies.shift();
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
  if (!res.ok) return data.Message || `error ${res.status}`;
  return data.reply;
}

async function act(action, value) {
  const answer = await post('/console/action', { user: userSelect.value, action, value });
  if (answer) reply(answer);
}

document.getElementById('say').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  reply(`> ${text}`);
  reply(await post('/console/command', { user: userSelect.value, text }));
});

document.getElementById('logout').addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST', headers: { 'x-csrf-token': csrf } });
  location.href = '/login';
});

userSelect.addEventListener('change', () => localStorage.setItem('opsgate.user', userSelect.value));

async function start() {
  const res = await fetch('/console/state');
  if (res.status === 401) {
    location.href = '/login';
    return;
  }
  const state = await res.json();
  csrf = state.csrf;
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
    if (!state.users.length) userSelect.append(el('option', { value: '' }, '(no directory users)'));
  }
  for (const m of state.messages) messages.set(m.id, m);
  render();
  const events = new EventSource('/console/events');
  events.onopen = () => {
    document.getElementById('status').textContent = 'live';
  };
  events.onerror = () => {
    document.getElementById('status').textContent = 'reconnecting…';
  };
  events.onmessage = (e) => {
    const m = JSON.parse(e.data);
    messages.set(m.id, m);
    render();
  };
}
start();
