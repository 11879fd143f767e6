// kiemchung serve: the page's behaviour. No framework, no build step, nothing loaded from elsewhere.
'use strict';

// English for every element marked data-t; the Vietnamese is the page's own text.
const EN = {
  'subtitle': 'Check the evidence files of a PAR INDEX self-assessment',
  'logout': 'Sign out', 'upload-title': '1. Choose the unit\'s submission',
  'drop-here': 'Drop the submission folder (or a .zip) here', 'or': 'or',
  'pick-folder': 'Choose a folder…', 'pick-zip': 'Choose a .zip…', 'options': 'Options',
  'catalog': 'Criteria catalog', 'catalog-default': 'The server\'s default (or the workbook)',
  'unit': 'Unit', 'year': 'Assessment year', 'cutoff': 'Data cutoff', 'start': '2. Check',
  'progress-title': 'Checking', 'result-title': '3. Result', 'download': 'Download:',
  'dl-xlsx': 'Excel (.xlsx)', 'dl-html': 'Report page (.html)', 'history-title': 'Checks',
  'col-when': 'When', 'col-name': 'Submission', 'col-state': 'State',
  'col-units': 'Unit · points claimed · at risk', 'summary-title': 'Province summary',
  'col-unit': 'Unit', 'col-claimed': 'Points claimed', 'col-at-risk': 'At risk',
  'account': 'Account', 'password': 'Password', 'login': 'Sign in', 'login-error': 'Wrong account or password.',
};
const WORDS = {
  vi: { queued: 'đang chờ', running: 'đang kiểm tra', done: 'xong', failed: 'lỗi', files: 'tệp',
        chosen: 'Đã chọn', uploading: 'Đang tải lên', waiting: 'Đang chờ đến lượt', failedMsg: 'Kiểm tra không thành công',
        switchTo: 'English', noFiles: 'Chưa chọn tệp nào' },
  en: { queued: 'queued', running: 'running', done: 'done', failed: 'failed', files: 'files',
        chosen: 'Chosen', uploading: 'Uploading', waiting: 'Waiting for its turn', failedMsg: 'The check failed',
        switchTo: 'Tiếng Việt', noFiles: 'No file chosen' },
};
const $ = (id) => document.getElementById(id);
let lang = new URLSearchParams(location.search).get('lang') || localStorage.getItem('kiemchung-lang') || 'vi';
let chosen = [];   // [{file, path}]: path relative to the folder the clerk picked

function word(key) { return WORDS[lang][key]; }

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-t]').forEach((el) => {
    if (el.dataset.vi === undefined) el.dataset.vi = el.textContent;
    el.textContent = lang === 'en' ? (EN[el.dataset.t] || el.dataset.vi) : el.dataset.vi;
  });
  if ($('lang-switch')) $('lang-switch').textContent = word('switchTo');
  // The sign-in form asks in the page's language: a lockout (429) answers in it.
  const signIn = document.querySelector('form[action^="/login"]');
  if (signIn) signIn.action = '/login?lang=' + lang;
  showChosen();
  refreshLists();
}

function api(path) { return path + (path.includes('?') ? '&' : '?') + 'lang=' + lang; }

function showChosen() {
  if (!$('chosen')) return;
  const bytes = chosen.reduce((sum, c) => sum + c.file.size, 0);
  $('chosen').textContent = chosen.length
    ? `${word('chosen')}: ${chosen.length} ${word('files')} (${(bytes / 1048576).toFixed(1)} MiB)` : '';
  $('start').disabled = chosen.length === 0;
}

// A dropped folder is walked through its entries; each file keeps its path from the dropped item.
function walk(entry) {
  if (entry.isFile) {
    return new Promise((resolve) => entry.file(
      (file) => resolve([{ file, path: entry.fullPath.replace(/^\/+/, '') }]), () => resolve([])));
  }
  if (!entry.isDirectory) return Promise.resolve([]);
  const reader = entry.createReader();
  const all = [];
  return new Promise((resolve) => {
    const more = () => reader.readEntries(async (entries) => {
      if (!entries.length) {
        const nested = await Promise.all(all.map(walk));
        resolve(nested.flat());
        return;
      }
      all.push(...entries);
      more();
    }, () => resolve([]));
    more();
  });
}

function setupUpload() {
  const drop = $('drop');
  ['dragenter', 'dragover'].forEach((type) => drop.addEventListener(type, (event) => {
    event.preventDefault();
    drop.classList.add('over');
  }));
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
    if (entries.length) {
      chosen = (await Promise.all(entries.map(walk))).flat();
    } else {
      chosen = [...event.dataTransfer.files].map((file) => ({ file, path: file.name }));
    }
    showChosen();
  });
  $('folder-input').addEventListener('change', (event) => {
    chosen = [...event.target.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
    showChosen();
  });
  $('zip-input').addEventListener('change', (event) => {
    chosen = [...event.target.files].map((file) => ({ file, path: file.name }));
    showChosen();
  });
  $('start').addEventListener('click', start);
}

function fail(message) {
  $('upload-error').textContent = message;
  $('upload-error').hidden = false;
  $('start').disabled = chosen.length === 0;
}

function start() {
  if (!chosen.length) return fail(word('noFiles'));
  $('upload-error').hidden = true;
  $('start').disabled = true;
  $('result').hidden = true;
  const form = new FormData();
  for (const field of ['catalog', 'year', 'cutoff', 'unit']) {
    const value = $(field) && $(field).value;
    if (value) form.append(field, value);
  }
  form.append('lang', lang);
  chosen.forEach((c) => form.append('file', c.file, c.path));
  const request = new XMLHttpRequest();
  request.open('POST', api('/api/check'));
  $('progress-box').hidden = false;
  request.upload.onprogress = (event) => {
    if (!event.lengthComputable) return;
    $('progress').max = event.total;
    $('progress').value = event.loaded;
    $('progress-text').textContent = `${word('uploading')} ${Math.round(100 * event.loaded / event.total)}%`;
  };
  request.onload = () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch (e) { /* not JSON: a proxy's page */ }
    if (request.status !== 202) {
      $('progress-box').hidden = true;
      return fail(body.error || `HTTP ${request.status}`);
    }
    follow(body.id);
  };
  request.onerror = () => { $('progress-box').hidden = true; fail('HTTP error'); };
  request.send(form);
}

async function follow(id) {
  const response = await fetch(api(`/api/check/${id}`));
  const status = await response.json();
  if (status.state === 'done') {
    $('progress-box').hidden = true;
    $('start').disabled = false;
    return showReport(id);
  }
  if (status.state === 'failed') {
    $('progress-box').hidden = true;
    return fail(`${word('failedMsg')}: ${status.error || ''}`);
  }
  $('progress').max = Math.max(status.total, 1);
  $('progress').value = status.done;
  $('progress-text').textContent = status.state === 'queued'
    ? word('waiting') : `${status.done} / ${status.total} ${word('files')}`;
  setTimeout(() => follow(id), 500);
}

function showReport(id) {
  const base = `/api/check/${id}/report`;
  $('dl-xlsx').href = `${base}.xlsx`;
  $('dl-csv').href = `${base}.csv`;
  $('dl-json').href = `${base}.json`;
  $('dl-html').href = `${base}.html`;
  $('report').src = `${base}.html`;
  $('result').hidden = false;
  $('result').dataset.id = id;
  refreshLists();
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function when(seconds) { return new Date(seconds * 1000).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN'); }

async function refreshLists() {
  if (!$('checks')) return;
  const response = await fetch(api('/api/checks'));
  if (!response.ok) return;
  const { checks } = await response.json();
  const body = $('checks').querySelector('tbody');
  body.replaceChildren(...checks.map((check) => {
    const row = document.createElement('tr');
    const name = cell(check.name);
    if (check.state === 'done') {
      const link = document.createElement('a');
      link.href = '#';
      link.textContent = check.name;
      link.addEventListener('click', (event) => { event.preventDefault(); showReport(check.id); });
      name.replaceChildren(link);
    }
    const units = check.units.map((u) => `${u.id} · ${u.claimed} · ${u.at_risk}`).join('; ');
    row.append(cell(when(check.created)), name, cell(word(check.state)), cell(units));
    return row;
  }));
  if (!$('summary').hidden) {
    const summary = await fetch(api('/api/summary'));
    if (!summary.ok) return;
    const { checks: done } = await summary.json();
    const rows = done.flatMap((check) => check.units.map((u) => {
      const row = document.createElement('tr');
      row.append(cell(u.id), cell(u.claimed), cell(u.at_risk), cell(when(check.created)));
      return row;
    }));
    $('summary-table').querySelector('tbody').replaceChildren(...rows);
  }
}

async function setupAccount() {
  const response = await fetch(api('/api/me'));
  if (!response.ok) return;
  const me = await response.json();
  $('who').textContent = me.name || '';
  $('logout').hidden = !me.accounts;
  $('summary').hidden = !(me.role === 'council' || me.role === 'open');
  for (const id of me.catalogs) {
    const option = document.createElement('option');
    option.value = option.textContent = id;
    $('catalog').append(option);
  }
  if (me.role === 'unit' && me.units.length > 1) {
    $('unit-label').hidden = false;
    me.units.forEach((u) => { const o = document.createElement('option'); o.value = o.textContent = u; $('unit').append(o); });
  }
  refreshLists();
}

document.addEventListener('DOMContentLoaded', () => {
  $('lang-switch').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('kiemchung-lang', lang);
    applyLang();
  });
  if ($('login-error')) {
    $('login-error').hidden = !new URLSearchParams(location.search).has('error');
    applyLang();
    return;
  }
  setupUpload();
  applyLang();
  setupAccount();
});
