// History page: re-run and delete buttons call the API, then reload the list.
import { problemMessages } from './api.js';

document.getElementById('history').addEventListener('click', async e => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const row = button.closest('tr');
    const id = row.dataset.jobId;
    if (button.dataset.action === 'delete' && !confirm('Delete this job and its files?')) return;
    button.disabled = true;
    const response = button.dataset.action === 'delete'
        ? await fetch(`/api/jobs/${id}`, { method: 'DELETE' })
        : await fetch(`/api/jobs/${id}/rerun`, { method: 'POST' });
    if (!response.ok) { alert((await problemMessages(response)).join(' ')); button.disabled = false; return; }
    if (button.dataset.action === 'rerun') window.location.href = (await response.json()).links.page;
    else row.remove();
});
