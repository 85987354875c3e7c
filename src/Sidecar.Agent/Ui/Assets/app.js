// Sidecar status page. Reads the agent's /v1 API with same-origin GETs and keeps itself current with blocking
// queries: /v1/services?index=&wait= answers as soon as the registry changes (sources and members are re-read with
// it, so they are at most WAIT old), and the selected service's /v1/services/{name}/instances does the same.
'use strict';
(() => {
  const WAIT = '20s';
  const RETRY_MS = 3000;
  const $ = (id) => document.getElementById(id);
  let drillAbort = null;
  const shown = new Map();

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function getJson(url, signal) {
    const response = await fetch(url, { signal, cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(`${url.split('?')[0]} answered ${response.status}`);
    }
    return response.json();
  }

  function setStatus(text, error = false) {
    const status = $('status');
    status.textContent = text;
    status.classList.toggle('error', error);
  }

  /** "12 s ago" from an ISO time; "never" for none (or the epoch, the store's "unknown"). */
  function ago(iso) {
    const at = iso ? Date.parse(iso) : NaN;
    if (!(at > 0)) {
      return 'never';
    }
    const s = Math.max(0, Math.round((Date.now() - at) / 1000));
    return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : s < 172800 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86400)} d ago`;
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text ?? '';
    if (className) {
      td.className = className;
    }
    return td;
  }

  function stateCell(row, state) {
    cell(row, state, `state-${state}`);
  }

  /** Replaces a table's rows (one per item, or one "none" row) when they changed; unchanged rows keep focus. */
  function fill(tableId, items, addRow, none) {
    const json = JSON.stringify(items);
    if (shown.get(tableId) === json) {
      return;
    }
    shown.set(tableId, json);
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    for (const item of items) {
      addRow(body.insertRow(), item);
    }
    if (items.length === 0) {
      const td = cell(body.insertRow(), none, 'empty');
      td.colSpan = $(tableId).tHead.rows[0].cells.length;
    }
  }

  function renderSources(sources) {
    fill('sources', sources, (row, s) => {
      cell(row, s.source);
      stateCell(row, s.state);
      const since = cell(row, ago(s.lastSuccess));
      since.dataset.since = s.lastSuccess ?? '';
      if (s.lastSuccess) {
        since.title = s.lastSuccess;
      }
      cell(row, (s.owners ?? []).join(', '));
      cell(row, String(s.services), 'num');
      cell(row, String(s.instances), 'num');
      cell(row, s.lastError);
    }, 'No sources yet.');
  }

  function renderMembers(members) {
    $('node').textContent = members.gossip ? members.self : `${members.self} (standalone)`;
    fill('members', members.members, (row, m) => {
      cell(row, m.name);
      cell(row, m.address);
      stateCell(row, m.state);
      cell(row, String(m.incarnation), 'num');
    }, 'No members.');
  }

  const hashOf = (s) => '#' + new URLSearchParams({ app: s.appId, env: s.environment, name: s.serviceName });

  function renderServices(services) {
    fill('services', services, (row, s) => {
      const link = document.createElement('a');
      link.href = hashOf(s);
      link.textContent = s.serviceName;
      row.insertCell().append(link);
      row.dataset.hash = link.getAttribute('href');
      cell(row, s.appId);
      cell(row, s.environment || '—');
      cell(row, s.versions.join(', '));
      cell(row, `${s.instances} (${s.up})`, 'num');
      cell(row, s.sources.join(', '));
    }, 'No services registered.');
    markSelected();
  }

  function renderInstances(instances) {
    fill('instances', instances, (row, i) => {
      const id = document.createElement('code');
      id.textContent = i.instanceId;
      row.insertCell().append(id);
      stateCell(row, i.status ?? 'UP');
      cell(row, i.hostName);
      const endpoints = row.insertCell();
      for (const endpoint of i.endpoints ?? []) {
        const code = document.createElement('code');
        code.textContent = endpoint;
        endpoints.append(code, document.createElement('br'));
      }
      cell(row, i.version);
      cell(row, [i.cluster, i.zone].filter(Boolean).join(' / ') || 'local');
    }, 'No instances.');
  }

  function selected() {
    const query = new URLSearchParams(location.hash.slice(1));
    const name = query.get('name');
    return name ? { name, app: query.get('app') ?? 'default', env: query.get('env') ?? '' } : null;
  }

  function markSelected() {
    for (const row of $('services').tBodies[0].rows) {
      const on = row.dataset.hash === location.hash;
      row.classList.toggle('selected', on);
      const link = row.querySelector('a');
      if (link) {
        if (on) link.setAttribute('aria-current', 'true'); else link.removeAttribute('aria-current');
      }
    }
  }

  async function overview() {
    let index = null;
    for (;;) {
      try {
        const list = await getJson('/v1/services' + (index === null ? '' : `?index=${index}&wait=${WAIT}`));
        const [sources, members] = await Promise.all([getJson('/v1/sources'), getJson('/v1/members')]);
        index = list.index;
        renderServices(list.services);
        renderSources(sources.sources);
        renderMembers(members);
        setStatus(`Live: updated ${new Date().toLocaleTimeString()}`);
      } catch (error) {
        setStatus(`Cannot read the agent (${error.message}); retrying…`, true);
        index = null;
        await sleep(RETRY_MS);
      }
    }
  }

  async function drill(service, signal) {
    const base = `/v1/services/${encodeURIComponent(service.name)}/instances?appId=${encodeURIComponent(service.app)}&env=${encodeURIComponent(service.env)}`;
    let index = null;
    while (!signal.aborted) {
      try {
        const answer = await getJson(base + (index === null ? '' : `&index=${index}&wait=${WAIT}`), signal);
        index = answer.index;
        renderInstances(answer.instances);
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        setStatus(`Cannot read the instances (${error.message}); retrying…`, true);
        index = null;
        await sleep(RETRY_MS);
      }
    }
  }

  function onHashChange() {
    drillAbort?.abort();
    drillAbort = null;
    const service = selected();
    $('instances-section').hidden = service === null;
    markSelected();
    if (service) {
      $('instances-title').textContent = `Instances of ${service.name} (app ${service.app}${service.env ? `, environment ${service.env}` : ''})`;
      $('instances').tBodies[0].replaceChildren();
      shown.delete('instances');
      drillAbort = new AbortController();
      drill(service, drillAbort.signal);
    }
  }

  window.addEventListener('hashchange', onHashChange);
  setInterval(() => {
    for (const td of document.querySelectorAll('[data-since]')) {
      td.textContent = ago(td.dataset.since);
    }
  }, 1000);
  onHashChange();
  overview();
})();
