// Job page: live status over SignalR (group "job-{id}"), with polling of /api/jobs/{id} whenever the
// socket is down. Closing the page never affects the job; reopening starts from the server's state.
import { problemMessages, seconds } from './api.js';

const root = document.getElementById('job');
const id = root.dataset.jobId;
const canAct = root.dataset.canAct !== 'false'; // reviewers read only: no cancel/retry buttons
const $ = name => document.getElementById(name);
const finished = status => ['Succeeded', 'Failed', 'Cancelled'].includes(status);
let lastSequence = 0;
let pollTimer = null;

function showProgress(p) {
    if (p.sequence <= lastSequence) return; // stale or duplicate
    lastSequence = p.sequence;
    $('stage').textContent = p.stage;
    $('frames-done').textContent = p.framesDone;
    $('frames-total').textContent = p.framesTotal;
    $('progress').max = Math.max(1, p.framesTotal);
    $('progress').value = p.framesDone;
    $('elapsed').textContent = seconds(p.elapsedSeconds);
    $('remaining').textContent = seconds(p.remainingSeconds);
    if (p.previewUrl) { $('preview').src = p.previewUrl; $('preview').hidden = false; }
    if ($('status').textContent === 'Queued') setStatusText('Running');
}

function setStatusText(status) {
    $('status').textContent = status;
    $('status').className = `status status-${status.toLowerCase()}`;
}

function showJob(job) {
    setStatusText(job.status);
    $('attempts').textContent = job.attempts;
    $('stage').textContent = job.stageText;
    $('queue').hidden = job.queuePosition == null;
    $('queue-position').textContent = job.queuePosition ?? '';
    $('frames-done').textContent = job.framesDone;
    $('frames-total').textContent = job.framesTotal;
    $('progress').max = Math.max(1, job.framesTotal);
    $('progress').value = job.framesDone;
    $('elapsed').textContent = seconds(job.elapsedSeconds);
    $('remaining').textContent = seconds(job.remainingSeconds);
    $('error').hidden = !job.error;
    $('error').textContent = job.error ? job.error.message : '';
    // Which actions a job offers is decided on the server (JobActions) and sent with every job.
    $('confirm').hidden = !canAct || !job.actions.confirm;
    $('confirm').disabled = false;
    $('confirm-note').hidden = !job.actions.confirm;
    $('cancel').hidden = !canAct || !job.actions.cancel;
    $('retry').hidden = !canAct || !job.actions.retry;
    if (job.hasVideo && $('player').hidden) {
        $('player').src = job.links.video;
        $('player').hidden = false;
        $('preview').hidden = true;
        $('download').hidden = false;
    }
}

async function poll() {
    const response = await fetch(`/api/jobs/${id}`, { cache: 'no-store' });
    if (response.ok) {
        const job = await response.json();
        showJob(job);
        if (job.status === 'Running' && job.framesDone > 0) $('preview').src = `${job.links.preview}?t=${Date.now()}`;
        if (finished(job.status)) stopPolling();
    }
}
function startPolling() { if (!pollTimer) { pollTimer = setInterval(poll, 2000); poll(); } }
function stopPolling() { clearInterval(pollTimer); pollTimer = null; }

async function connect() {
    if (!window.signalR) { startPolling(); return; }
    const connection = new signalR.HubConnectionBuilder().withUrl('/hubs/jobs').withAutomaticReconnect().build();
    connection.on('progress', showProgress);
    connection.on('status', job => { if (job.id === id) showJob(job); });
    connection.onreconnecting(startPolling);
    connection.onreconnected(async () => { stopPolling(); showJob(await connection.invoke('Join', id)); });
    connection.onclose(startPolling);
    try {
        await connection.start();
        const job = await connection.invoke('Join', id);
        if (job) showJob(job);
    } catch {
        startPolling();
    }
}

async function post(action) {
    const response = await fetch(`/api/jobs/${id}/${action}`, { method: 'POST' });
    if (response.ok) showJob(await response.json());
    else { $('error').hidden = false; $('error').textContent = (await problemMessages(response)).join(' '); }
}
$('cancel').addEventListener('click', () => post('cancel'));
$('confirm').addEventListener('click', () => { $('confirm').disabled = true; post('confirm'); });
$('retry').addEventListener('click', () => post('retry'));

connect();
