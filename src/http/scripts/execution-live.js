// The execution page's live updates (src/http/pages/execution-html.ts), served as
// /assets/execution-live.js: each event of the stream asks for the fragment again, at most one
// request in flight and one queued, however many events come; an ended execution closes the stream.
(() => {
  const live = document.getElementById('live');
  const id = live.dataset.execution;
  const ended = (s) => s === 'Success' || s === 'Failed' || s === 'Cancelled';
  const es = new EventSource(
    `/executions/${id}/events?since=${encodeURIComponent(live.firstElementChild.dataset.version)}`,
  );
  let busy = false,
    again = false;
  const refresh = () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(`/executions/${id}/fragment`, { cache: 'no-store' })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((html) => {
        live.innerHTML = html;
        if (ended(live.firstElementChild.dataset.execStatus)) es.close();
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  es.addEventListener('change', refresh);
  es.addEventListener('end', () => {
    es.close();
    refresh();
  });
})();
