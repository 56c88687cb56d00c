// New video page: photo thumbnail and audio duration from the chosen files, a live estimate from
// /api/estimate, and the upload as multipart via XHR (for its progress events). Errors from the API
// (ProblemDetails) are shown here, before any job exists. When the server was busy it answers 202 with
// status "Checking" and checks in the background: the page then waits for that check, so a photo
// without a face is still reported here (and the failed job removed), not on the job page.
import { postWithProgress, problemMessages, seconds } from './api.js';

const form = document.getElementById('new-video');
const image = document.getElementById('image');
const audio = document.getElementById('audio');
const imagePreview = document.getElementById('image-preview');
const imageInfo = document.getElementById('image-info');
const audioInfo = document.getElementById('audio-info');
const estimate = document.getElementById('estimate');
const errors = document.getElementById('errors');
const bar = document.getElementById('upload-progress');
const barText = document.getElementById('upload-text');
const submit = document.getElementById('submit');
let audioSeconds = null;

const paramNames = ['min_resolution', 'expand_ratio', 'inference_steps', 'dynamic_scale', 'motion_scale', 'duration', 'seed', 'crop'];

function parameters() {
    const values = {};
    for (const name of paramNames) {
        const input = document.getElementById(`p-${name}`);
        if (input && input.value !== '') values[name] = input.value;
    }
    values.align_mouth = document.getElementById('p-align_mouth').checked;
    values.smooth_motion = document.getElementById('p-smooth_motion').checked;
    return values;
}

function showErrors(messages) {
    errors.replaceChildren(...messages.map(m => Object.assign(document.createElement('p'), { textContent: m })));
    errors.hidden = messages.length === 0;
}

image.addEventListener('change', () => {
    const file = image.files[0];
    if (!file) { imagePreview.hidden = true; imageInfo.textContent = ''; return; }
    imagePreview.src = URL.createObjectURL(file);
    imagePreview.onload = () => { imageInfo.textContent = `${imagePreview.naturalWidth} × ${imagePreview.naturalHeight}, ${(file.size / 1048576).toFixed(1)} MB`; };
    imagePreview.onerror = () => { imageInfo.textContent = 'This browser cannot show this file; the server will check it.'; };
    imagePreview.hidden = false;
});

audio.addEventListener('change', () => {
    const file = audio.files[0];
    audioSeconds = null;
    if (!file) { audioInfo.textContent = ''; updateEstimate(); return; }
    const probe = new Audio();
    probe.preload = 'metadata';
    probe.onloadedmetadata = () => {
        audioSeconds = Number.isFinite(probe.duration) ? probe.duration : null;
        audioInfo.textContent = audioSeconds ? `${audioSeconds.toFixed(2)} s, ${(file.size / 1048576).toFixed(1)} MB` : `${(file.size / 1048576).toFixed(1)} MB`;
        URL.revokeObjectURL(probe.src);
        updateEstimate();
    };
    probe.onerror = () => { audioInfo.textContent = 'This browser cannot read this file; the server will check it.'; updateEstimate(); };
    probe.src = URL.createObjectURL(file);
});

/** POST /api/estimate for the chosen audio and parameters; null when there is nothing to estimate yet. */
async function requestEstimate() {
    const body = parameters();
    if (audioSeconds) body.audio_seconds = audioSeconds;
    if (!body.audio_seconds && !body.duration) return null;
    return fetch('/api/estimate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

function showQueueInfo(result) {
    document.getElementById('queue-info').textContent = result.jobsAhead > 0 ? `(${result.jobsAhead} job(s) ahead)` : '';
}

let estimateTimer = null;
function updateEstimate() {
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(async () => {
        const response = await requestEstimate();
        if (!response) { estimate.textContent = 'choose an audio file'; return; }
        if (!response.ok) { estimate.textContent = '–'; showErrors(await problemMessages(response)); return; }
        showErrors([]);
        const result = await response.json();
        estimate.textContent = `about ${seconds(result.estimateSeconds)} for ${result.videoSeconds.toFixed(1)} s of video at ${result.width} × ${result.height}`;
        showQueueInfo(result);
    }, 200);
}

/** Only the "jobs ahead" note, leaving the form's messages alone. */
async function refreshQueueInfo() {
    const response = await requestEstimate();
    if (response?.ok) showQueueInfo(await response.json());
}
form.addEventListener('input', e => { if (e.target.id?.startsWith('p-')) updateEstimate(); });
form.addEventListener('change', e => { if (e.target.id?.startsWith('p-')) updateEstimate(); });

// Engine codes for unusable inputs: shown on this form, like the 4xx answers of a quiet server.
const inputProblems = ['no_face', 'face_too_small', 'unsupported_image', 'unsupported_audio', 'image_too_large',
    'file_too_large', 'audio_too_long', 'audio_empty', 'invalid_parameter'];

async function waitForCheck(job) {
    barText.textContent = 'Checking the photo and the audio (the server is busy)…';
    while (true) {
        await new Promise(resolve => setTimeout(resolve, 500));
        const response = await fetch(job.links.self, { cache: 'no-store' });
        if (!response.ok) return job;
        const current = await response.json();
        if (current.status !== 'Checking') return current;
    }
}

form.addEventListener('submit', async e => {
    e.preventDefault();
    showErrors([]);
    const missing = [];
    if (!image.files[0]) missing.push('Choose a portrait photo.');
    if (!audio.files[0]) missing.push('Choose a voice recording.');
    if (missing.length) { showErrors(missing); return; }

    const data = new FormData();
    data.append('image', image.files[0]);
    data.append('audio', audio.files[0]);
    for (const name of ['name', 'submitter']) {
        const v = document.getElementById(name).value.trim();
        if (v) data.append(name, v);
    }
    for (const [name, value] of Object.entries(parameters())) data.append(name, String(value));
    if (document.getElementById('preview-first').checked) data.append('preview_first', 'true');

    const result = await postWithProgress('/api/jobs', data, { bar, text: barText, submit, checkingText: 'Checking the photo and the audio…' });
    if (result.status !== 202) { showErrors(result.messages); return; }
    const job = result.json;
    const checked = job.status === 'Checking' ? await waitForCheck(job) : job;
    if (checked.status !== 'Failed' || !inputProblems.includes(checked.error?.code)) {
        window.location.href = job.links.page;
        return;
    }
    // The same message a 422 would have carried; the job only existed because the server was busy.
    await fetch(job.links.self, { method: 'DELETE' });
    result.reset();
    showErrors([checked.error.message]);
    refreshQueueInfo(); // the estimate fetched meanwhile counted this job as one ahead
});

updateEstimate();
