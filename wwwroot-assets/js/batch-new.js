// New batch page: sends the portrait, every chosen recording (or the zip), the name, the preset and
// the parameter fields as multipart to /api/batches, with upload progress; on 202 it opens the batch
// page. A refusal (ProblemDetails naming each bad file) is listed here, and nothing was queued.
import { postWithProgress } from './api.js';

const form = document.getElementById('new-batch');
const image = document.getElementById('batch-image');
const audio = document.getElementById('batch-audio');
const archive = document.getElementById('batch-archive');
const errors = document.getElementById('errors');
const bar = document.getElementById('upload-progress');
const barText = document.getElementById('upload-text');
const submit = document.getElementById('submit-batch');

function showErrors(messages) {
    errors.replaceChildren(...messages.map(m => Object.assign(document.createElement('p'), { textContent: m })));
    errors.hidden = messages.length === 0;
}

audio.addEventListener('change', () => {
    const count = audio.files.length;
    document.getElementById('batch-audio-info').textContent = count > 0
        ? `${count} recording(s) chosen: ${count} video(s).` : 'Each recording becomes one video, named after it.';
});

form.addEventListener('submit', async e => {
    e.preventDefault();
    showErrors([]);
    if (!archive.files[0] && (!image.files[0] || audio.files.length === 0)) {
        showErrors(['Choose a portrait and one or more recordings, or a zip.']);
        return;
    }
    const data = new FormData();
    if (image.files[0]) data.append('image', image.files[0]);
    for (const file of audio.files) data.append('audio', file);
    if (archive.files[0]) data.append('archive', archive.files[0]);
    for (const field of form.querySelectorAll('input[name]:not([type=file]), select[name]')) {
        if (field.value.trim() !== '') data.append(field.name, field.value.trim());
    }

    const result = await postWithProgress('/api/batches', data, { bar, text: barText, submit, checkingText: 'Checking every photo and recording…' });
    if (result.status === 202) window.location.href = result.json.links.page;
    else showErrors(result.messages);
});
