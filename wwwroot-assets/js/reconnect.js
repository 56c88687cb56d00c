// The reconnect dialog of interactive pages (Layout/ReconnectModal.razor). This has to be JavaScript: it runs
// exactly when the circuit, and with it every C# component, is unreachable. blazor.web.js raises
// "components-reconnect-state-changed" on the dialog; we show it while reconnecting and, when the server answers
// but no longer knows this page's circuit (a restart), reload the page so it comes back with the current state.
const dialog = document.getElementById("components-reconnect-modal");
const retryButton = document.getElementById("components-reconnect-button");
const retryEveryMs = 3000;
let retryTimer = null;

dialog?.addEventListener("components-reconnect-state-changed", event => {
    const state = event.detail.state;
    if (state === "show" || state === "retrying") {
        if (!dialog.open) dialog.showModal();
    } else if (state === "hide") {
        stopRetrying();
        dialog.close();
    } else if (state === "failed") {
        // Blazor's own attempts are used up (a restart can take longer): keep trying quietly.
        if (!dialog.open) dialog.showModal();
        retryTimer ??= setInterval(retry, retryEveryMs);
    } else if (state === "rejected") {
        location.reload();
    }
});

retryButton?.addEventListener("click", retry);

async function retry() {
    try {
        // true: reconnected; false: the server answered but the circuit is gone (reload); throws: still down.
        if (!await Blazor.reconnect()) location.reload();
        else { stopRetrying(); dialog.close(); }
    } catch {
        // The server is still down; the timer tries again.
    }
}

function stopRetrying() {
    if (retryTimer !== null) clearInterval(retryTimer);
    retryTimer = null;
}
