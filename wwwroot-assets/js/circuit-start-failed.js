// A circuit that does not start. An interactive page arrives prerendered and says "Connecting…" until its circuit is up
// (Layout/MainLayout.razor). When the circuit cannot start (the server is restarting or down, a proxy answers with an
// error, the network is gone), blazor.web.js tries once, logs to the console and gives up: it neither retries nor opens
// the reconnect dialog, which is only for circuits that were up. The page then said "Connecting…" forever. Now the
// layout is marked data-circuit="failed" and the status says the server cannot be reached, with a Reload button
// (css/app.css). blazor.web.js exposes no start promise or event for a first start that fails; what it leaves are
// unhandled promise rejections, which show the message at once:
// - a failed negotiation: SignalR's FailedToNegotiateWithServerError;
// - any failed start of the connection, also one whose negotiation succeeded but whose every transport then failed
//   (WebSocket refused, long polling answered with an error; observed with .NET 10.0.12): blazor.web.js logs the
//   SignalR error (an AggregateErrors without errorType, which it catches) and "Failed to start the circuit.", and its
//   clean-up calls disconnect() on the circuit that never got an id, which rejects with "Circuit host not initialized.".
// A WebSocket refused alone is no failure: SignalR falls back to long polling, nothing is rejected, the circuit starts.
// A start that hangs, or fails another way, shows the message after the status's data-start-timeout-ms
// (Shell:CircuitStartTimeoutSeconds). A circuit that starts after all replaces the layout, message included.
// This has to be JavaScript: there is no circuit to run C# in.
{ // a block: the script's names stay out of the page's global scope
    const layout = () => document.querySelector(".interactive-shell");
    const hasStarted = () => document.querySelector("[data-circuit='connected']") !== null;

    function showFailed() {
        const shell = layout();
        if (shell === null || hasStarted() || shell.querySelector(".circuit-pending") === null) return;
        shell.dataset.circuit = "failed";
    }

    window.addEventListener("unhandledrejection", event => {
        const reason = event.reason;
        if (reason?.errorType === "FailedToNegotiateWithServerError" || reason?.message === "Circuit host not initialized.") showFailed();
    });

    const timeoutMs = Number(document.querySelector(".interactive-shell .circuit-pending")?.dataset.startTimeoutMs);
    if (timeoutMs > 0) setTimeout(showFailed, timeoutMs);

    window.addEventListener("click", event => {
        if (event.target instanceof Element && event.target.closest("[data-circuit='failed'] .circuit-failed-reload") !== null)
            location.reload();
    });
}
