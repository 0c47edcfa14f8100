'use strict';
// Refreshes the status page from its report (the same words the server rendered the page with)
// every few seconds, without a reload. Every text is set with textContent and never parsed as
// HTML: command lines and user names come from other processes.
(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const page = document.body;
  const reportUrl = page.dataset.report;
  const refreshMillis = 1000 * Number(page.dataset.refreshSeconds || 3);

  const byId = (id) => document.getElementById(id);

  const setText = (id, text) => {
    const element = byId(id);
    if (element) {
      element.textContent = text;
    }
  };

  const fillRows = (id, rows) => {
    const body = byId(id);
    if (!body) {
      return;
    }
    body.replaceChildren(...rows.map((cells) => {
      const row = document.createElement('tr');
      row.replaceChildren(...cells.map((cell) => {
        const data = document.createElement('td');
        data.textContent = cell;
        return data;
      }));
      return row;
    }));
  };

  const drawTimeline = (timeline) => {
    const marks = byId('timeline-marks');
    if (!marks) {
      return;
    }
    marks.replaceChildren(...timeline.marks.map((mark) => {
      const circle = document.createElementNS(SVG, 'circle');
      circle.setAttribute('cx', String(mark.x));
      circle.setAttribute('cy', String(mark.y));
      circle.setAttribute('r', '6');
      circle.setAttribute('class', 'mark ' + mark.kind);
      const title = document.createElementNS(SVG, 'title');
      title.textContent = mark.label;
      circle.append(title);
      return circle;
    }));
    setText('timeline-from', timeline.from);
    setText('timeline-to', timeline.to);
  };

  const show = (view) => {
    const status = byId('status');
    status.textContent = view.status;
    status.className = 'status status-' + view.status;
    document.title = 'Virtuoso: ' + view.status;
    const details = view.details;
    if (!details) {
      return;
    }
    setText('listening', details.listening);
    setText('primary', details.primary);
    setText('fallbacks', details.fallbacks);
    setText('fell-back', details.fellBack);
    setText('primary-holder', details.primaryHolder);
    setText('checked-at', details.checkedAt);
    fillRows('attempts', details.attempts);
    setText('history-summary', details.historySummary);
    drawTimeline(details.timeline);
    fillRows('history', details.history);
  };

  const refresh = async () => {
    try {
      const response = await fetch(reportUrl, { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (!response.ok) {
        throw new Error('the server answered ' + response.status);
      }
      show(await response.json());
      // UTC, as every time the server writes
      setText('refresh', 'updated ' + new Date().toISOString().slice(11, 19) + 'Z');
      byId('refresh').classList.remove('failed');
    } catch (error) {
      setText('refresh', 'not updated since the last answer: ' + error.message);
      byId('refresh').classList.add('failed');
    } finally {
      setTimeout(refresh, refreshMillis);
    }
  };

  setTimeout(refresh, refreshMillis);
})();
