// Small helpers shared by the page modules: ProblemDetails to readable text, number formatting.

/** Turns a ProblemDetails body (or any failed response) into a list of messages for the user. */
export async function problemMessages(response) {
    try {
        const problem = await response.json();
        const fields = problem.errors ? Object.values(problem.errors).flat() : [];
        return fields.length > 0 ? fields : [problem.detail || problem.title || `Request failed (${response.status}).`];
    } catch {
        return [`Request failed (${response.status}).`];
    }
}

export function seconds(value) {
    if (value === null || value === undefined) return '–';
    if (value < 60) return `${value.toFixed(1)} s`;
    return `${Math.floor(value / 60)} min ${String(Math.floor(value % 60)).padStart(2, '0')} s`;
}

/**
 * Posts a multipart form with an upload progress bar (fetch cannot report upload progress, XMLHttpRequest can).
 * ui: { bar: <progress>, text: element for the percentage, checkingText: shown once every byte is sent, submit: button }.
 * Resolves to { status, json, messages }: json is the parsed 202 body, messages the problems of a refusal.
 * The form is re-enabled on any outcome but a 202 (the caller decides what to do then).
 */
export function postWithProgress(url, data, ui) {
    ui.bar.hidden = false;
    ui.bar.value = 0;
    ui.submit.disabled = true;
    const reset = () => { ui.submit.disabled = false; ui.bar.hidden = true; ui.text.textContent = ''; };
    return new Promise(resolve => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', url);
        xhr.upload.onprogress = p => {
            if (!p.lengthComputable) return;
            ui.bar.value = Math.round(100 * p.loaded / p.total);
            ui.text.textContent = ui.bar.value < 100 ? `Uploading ${ui.bar.value}%` : ui.checkingText;
        };
        xhr.onload = async () => {
            if (xhr.status === 202) { resolve({ status: 202, json: JSON.parse(xhr.responseText), messages: [], reset }); return; }
            reset();
            resolve({ status: xhr.status, json: null, messages: await problemMessages(new Response(xhr.responseText, { status: xhr.status })), reset });
        };
        xhr.onerror = () => {
            reset();
            resolve({ status: 0, json: null, messages: ['The upload failed: the connection was lost. Please try again.'], reset });
        };
        xhr.send(data);
    });
}
