// Batch page: polls /api/batches/{id} (one request for all jobs) and updates the overall progress
// (frames across jobs, videos done of total), each job's row and the zip link, until the batch is
// done. Polling rather than one hub group per job keeps a 100-job batch to one request a second or two.
const root = document.getElementById('batch');
const id = root.dataset.batchId;
const $ = name => document.getElementById(name);
const POLL_MS = 1500;

function statusText(batch) {
    if (batch.isFinished) return 'Finished';
    return batch.counts.running > 0 ? 'Running' : 'Queued';
}

function statusClass(batch) {
    if (batch.isFinished) return batch.counts.succeeded === batch.counts.total ? 'status status-succeeded' : 'status status-failed';
    return batch.counts.running > 0 ? 'status status-running' : 'status';
}

function show(batch) {
    $('batch-status').textContent = statusText(batch);
    $('batch-status').className = statusClass(batch);
    $('jobs-done').textContent = batch.counts.done;
    $('jobs-total').textContent = batch.counts.total;
    $('count-succeeded').textContent = batch.counts.succeeded;
    $('count-failed').textContent = batch.counts.failed;
    $('count-cancelled').textContent = batch.counts.cancelled;
    $('batch-progress').max = Math.max(1, batch.framesTotal);
    $('batch-progress').value = batch.framesDone;
    $('frames-done').textContent = batch.framesDone;
    $('frames-total').textContent = batch.framesTotal;
    $('zip').hidden = batch.counts.succeeded === 0;
    $('zip-count').textContent = batch.counts.succeeded;
    for (const job of batch.jobs) {
        const row = root.querySelector(`tr[data-job-id="${job.id}"]`);
        if (!row) continue;
        const status = row.querySelector('[data-field=status]');
        status.textContent = job.status;
        status.className = `status status-${job.status.toLowerCase()}`;
        const progress = row.querySelector('[data-field=progress]');
        progress.max = Math.max(1, job.framesTotal);
        progress.value = job.status === 'Succeeded' ? job.framesTotal : job.framesDone;
        row.querySelector('[data-field=download]').hidden = !job.hasVideo;
    }
}

async function poll() {
    try {
        const response = await fetch(`/api/batches/${id}`, { cache: 'no-store' });
        if (response.ok) {
            const batch = await response.json();
            show(batch);
            if (batch.isFinished) return; // done: nothing changes any more (a retry reloads the page)
        }
    } catch {
        // offline for a moment: try again on the next tick
    }
    setTimeout(poll, POLL_MS);
}

poll();
