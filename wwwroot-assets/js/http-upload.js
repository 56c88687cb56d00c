// Sends the files chosen in <input type="file"> elements, with form fields, to an HTTP endpoint (e.g. POST /api/jobs)
// and reports the upload's progress to .NET (Components/Shared/Uploads/HttpUpload.cs). Why JavaScript: the browser's
// File objects and XMLHttpRequest's upload progress exist only in the page, and sending the bytes through the circuit
// instead was several times slower (docs/web.md, "Uploads: circuit or HTTP").
export function send(url, fields, inputs, dotnet, progressIntervalMs) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const { field, input } of inputs)
        for (const file of input.files) form.append(field, file, file.name);

    const xhr = new XMLHttpRequest();
    let lastReport = -Infinity;
    xhr.upload.onprogress = e => {
        const now = performance.now();
        if (now - lastReport < progressIntervalMs && e.loaded < e.total) return; // at most a few calls a second
        lastReport = now;
        dotnet.invokeMethodAsync("Progress", e.loaded, e.lengthComputable ? e.total : -1);
    };
    xhr.onload = () => dotnet.invokeMethodAsync("Completed", xhr.status, xhr.responseText);
    xhr.onerror = () => dotnet.invokeMethodAsync("Failed", "The connection to the server was lost during the upload.");
    xhr.onabort = () => dotnet.invokeMethodAsync("Failed", "The upload was cancelled.");
    xhr.open("POST", url);
    xhr.send(form);
    return { abort: () => xhr.abort() };
}
