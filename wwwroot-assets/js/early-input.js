// Text typed (and sliders moved) before this page's circuit is up. An interactive page arrives prerendered and its fields take typing at
// once, but until the circuit has started (the layout's data-circuit="connected") nothing tells the components. The
// circuit's first render then replaces the prerendered fields with its own, empty ones: the text vanished, the caret
// with it, and what the person typed next went nowhere (a search that did not search, a form that said "required" under
// a field just filled in). Now what was typed is carried over: once the layout is marked connected, each field typed in
// gets its text back in the field that replaced it (same id, else same place among the page's text fields), followed by
// the input and change events a person's typing would have sent, so the component's value is what the field shows (the
// history search filters, a form posts what is shown). The field that had the focus gets it back, caret included, so
// typing carries on across the switch (Routes.razor no longer sends the focus to the page's heading as the circuit
// starts); its change event waits for it to lose the focus, as a browser's does, so a form does not judge a half-typed
// address. Replaying typing is safe, unlike replaying a click (js/early-controls.js): it only sets values the person
// can still see and change before anything is sent. Keeping fields shut until connected would have the person wait and
// type again; carrying the text over asks nothing of them.
// This has to be JavaScript: there is no circuit yet to run C# in, and the prerendered fields are gone by the time it is.
{ // a block: the script's names stay out of the page's global scope
    const notText = new Set(["checkbox", "radio", "file", "hidden", "submit", "button", "reset", "image", "range", "color"]);
    const usable = e => !e.readOnly && !e.disabled;
    const isTextField = e => (e instanceof HTMLTextAreaElement || (e instanceof HTMLInputElement && !notText.has(e.type))) && usable(e);
    // A slider (MudSlider draws a native range input) moves under the person's hand before the circuit too: its value is
    // carried over like text (the number field beside it follows once connected). Switches, checkboxes and selects are
    // not: their look is drawn by the circuit, so js/early-controls.js keeps them as they are shown until it is up.
    const isSlider = e => e instanceof HTMLInputElement && e.type === "range" && !e.disabled;
    const isCarried = e => isTextField(e) || isSlider(e);
    const kind = e => isSlider(e) ? "range" : "text";
    const fields = which => [...document.querySelectorAll(".interactive-shell input, .interactive-shell textarea")]
        .filter(e => isCarried(e) && kind(e) === which);
    const isConnected = () => document.querySelector("[data-circuit='connected']") !== null;

    const touched = new Map(); // prerendered field typed in or focused -> where to find the field that replaces it
    let focused = null; // the prerendered field that had the focus when the circuit's first render removed it

    const place = field => ({ id: field.id, kind: kind(field), index: fields(kind(field)).indexOf(field) });
    const early = field => !isConnected() && isCarried(field) && field.closest(".interactive-shell") !== null;
    // Carried over in the order last changed: a number typed, then its slider moved, ends at the slider's value.
    window.addEventListener("input", event => {
        if (!early(event.target)) return;
        touched.delete(event.target);
        touched.set(event.target, place(event.target));
    }, { capture: true });
    window.addEventListener("focusin", event => {
        if (!early(event.target)) return;
        if (!touched.has(event.target)) touched.set(event.target, place(event.target));
        focused = event.target;
    }, { capture: true });
    // Chromium blurs a focused field as the circuit's render removes it: the focus counts as lost only if the field is
    // still there a moment later (the carry-over runs before that moment, right after the render).
    window.addEventListener("focusout", event => {
        const field = event.target;
        setTimeout(() => { if (field === focused && field.isConnected) focused = null; });
    }, { capture: true });

    // Same id; else (MudBlazor's generated ids differ between the two renders) the same place among the fields of its
    // kind (text fields, sliders).
    const successor = ({ id, kind, index }, now) => {
        const byId = id ? document.getElementById(id) : null;
        return byId !== null && now[kind].includes(byId) ? byId : now[kind][index] ?? null;
    };

    function carryOver() {
        const now = { text: fields("text"), range: fields("range") };
        for (const [old, where] of touched) {
            const field = successor(where, now);
            if (field === null || field === old || field.type !== old.type) continue;
            const hadFocus = old === focused;
            if (field.value !== old.value) {
                field.value = old.value;
                field.dispatchEvent(new Event("input", { bubbles: true }));
                if (hadFocus) field.addEventListener("blur", () => field.dispatchEvent(new Event("change", { bubbles: true })), { once: true });
                else field.dispatchEvent(new Event("change", { bubbles: true }));
            }
            if (hadFocus) {
                field.focus();
                try { field.setSelectionRange(old.selectionStart, old.selectionEnd, old.selectionDirection ?? "none"); } catch { } // not every input type has a caret
            }
        }
        touched.clear();
        focused = null;
    }

    if (document.querySelector(".interactive-shell") !== null && !isConnected()) {
        const watch = new MutationObserver(() => {
            if (!isConnected()) return;
            watch.disconnect();
            carryOver();
        });
        watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-circuit"] });
    }
}
